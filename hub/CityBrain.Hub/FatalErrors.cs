namespace CityBrain.Hub;

/// <summary>
/// The one rule for errors the hub never retries and never swallows: <see cref="OutOfMemoryException"/>, also when
/// wrapped (e.g. by MQTTnet). Every catch-all in the hub filters with it, so such an error reaches
/// <c>MqttIngestService</c>, which logs it as critical and stops the host (exit 70) instead of stalling.
/// </summary>
public static class FatalErrors
{
    public static bool IsFatal(Exception? ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is OutOfMemoryException)
            {
                return true;
            }
        }

        return false;
    }
}
