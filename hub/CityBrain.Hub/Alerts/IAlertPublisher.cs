namespace CityBrain.Hub.Alerts;

/// <summary>Publishes alert changes for the city brain (raised, acknowledged, cleared). Throws when it could not.</summary>
public interface IAlertPublisher
{
    Task PublishAsync(Alert alert, CancellationToken cancellationToken);
}
