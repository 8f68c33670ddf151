using System.Text;
using CityBrain.Sensing.Hardware;

namespace CityBrain.Sensing.Tests.Hardware;

public sealed class DurableStateStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "citybrain-state-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task Save_ThenLoad_InANewStore_ReturnsTheLastContent()
    {
        var store = new DurableStateStore(_dir);
        await store.SaveAsync("loop-1.count", Encoding.UTF8.GetBytes("41"), CancellationToken.None);
        await store.SaveAsync("loop-1.count", Encoding.UTF8.GetBytes("42"), CancellationToken.None);

        var reopened = new DurableStateStore(_dir);
        Assert.Equal("42", Encoding.UTF8.GetString((await reopened.LoadAsync("loop-1.count", CancellationToken.None))!));
        Assert.False(File.Exists(Path.Combine(_dir, "loop-1.count.tmp")));
    }

    [Fact]
    public async Task Load_NeverSaved_IsNull_EvenWithoutTheFolder()
    {
        Assert.Null(await new DurableStateStore(_dir).LoadAsync("nothing", CancellationToken.None));
    }

    [Fact]
    public async Task ATornTempFileFromACrash_DoesNotReplaceTheSavedEntry()
    {
        var store = new DurableStateStore(_dir);
        await store.SaveAsync("rain.count", Encoding.UTF8.GetBytes("7"), CancellationToken.None);

        // A crash between writing the temp file and the rename leaves the temp file half written.
        await File.WriteAllTextAsync(Path.Combine(_dir, "rain.count.tmp"), "8-half");

        Assert.Equal("7", Encoding.UTF8.GetString((await new DurableStateStore(_dir).LoadAsync("rain.count", CancellationToken.None))!));
        await store.SaveAsync("rain.count", Encoding.UTF8.GetBytes("9"), CancellationToken.None);
        Assert.Equal("9", Encoding.UTF8.GetString((await store.LoadAsync("rain.count", CancellationToken.None))!));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("")]
    public async Task NamesThatAreNotPlainFileNames_AreRefused(string name)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => new DurableStateStore(_dir).SaveAsync(name, new byte[1], CancellationToken.None));
    }
}
