namespace CityBrain.Hub.Service.OperatorView;

/// <summary>Optional body of <c>POST /api/alerts/{id}/ack</c>: who acknowledges.</summary>
public sealed record AckRequest(string? By);
