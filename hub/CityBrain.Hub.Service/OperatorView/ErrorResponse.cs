namespace CityBrain.Hub.Service.OperatorView;

/// <summary>The body of the view's error responses: <c>{"error":"…"}</c>.</summary>
public sealed record ErrorResponse(string Error);
