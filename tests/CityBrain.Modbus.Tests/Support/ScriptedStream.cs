namespace CityBrain.Modbus.Tests.Support;

/// <summary>
/// A hardware-free byte stream: reads return the scripted chunks in order, then block (silence) until cancelled or
/// more bytes are scripted; writes are recorded. <see cref="EndOfStream"/> makes reads return 0 after the script.
/// </summary>
internal sealed class ScriptedStream : Stream
{
    private readonly Queue<byte[]> _chunks = new();
    private readonly MemoryStream _written = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource _more = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool EndOfStream { get; set; }

    /// <summary>Called with each write; may script the reply.</summary>
    public Action<ScriptedStream, byte[]>? OnWrite { get; set; }

    public byte[] Written => _written.ToArray();

    public void Script(params byte[][] chunks)
    {
        lock (_lock)
        {
            foreach (var chunk in chunks)
            {
                _chunks.Enqueue(chunk);
            }

            _more.TrySetResult();
        }
    }

    public void ScriptHex(string hex) => Script(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal)));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task wait;
            lock (_lock)
            {
                if (_chunks.TryPeek(out var chunk))
                {
                    int n = Math.Min(chunk.Length, buffer.Length);
                    chunk.AsSpan(0, n).CopyTo(buffer.Span);
                    _chunks.Dequeue();
                    if (n < chunk.Length)
                    {
                        var rest = chunk[n..];
                        var remaining = new Queue<byte[]>(_chunks);
                        _chunks.Clear();
                        _chunks.Enqueue(rest);
                        foreach (var c in remaining)
                        {
                            _chunks.Enqueue(c);
                        }
                    }

                    return n;
                }

                if (EndOfStream)
                {
                    return 0;
                }

                if (_more.Task.IsCompleted)
                {
                    _more = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                wait = _more.Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _written.Write(buffer.Span);
        OnWrite?.Invoke(this, buffer.ToArray());
        return ValueTask.CompletedTask;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("async only");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("async only");
}
