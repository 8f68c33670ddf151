namespace CityBrain.Testing.Servers;

/// <summary>A fresh directory under /tmp removed on dispose (kept when CITYBRAIN_KEEP_TEST_DIRS=1, for post-mortems).</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"citybrain-{prefix}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("CITYBRAIN_KEEP_TEST_DIRS") == "1")
        {
            return;
        }

        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
