namespace CityBrain.Hub.Service.OperatorView;

/// <summary>
/// The scope of one <c>state</c> event: the client's filters (<c>q</c> is the text), how many nodes and sensors match,
/// and whether their sensor detail is included (<see cref="Sensors"/> ≤ <see cref="MaxDetailSensors"/>).
/// </summary>
public sealed record ViewScope(string? District, string? Grid, string? Status, string? Q, int Nodes, int Sensors, bool Detail, int MaxDetailSensors);
