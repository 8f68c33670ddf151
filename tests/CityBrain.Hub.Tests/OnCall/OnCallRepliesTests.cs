using System.Buffers;
using System.Text;
using CityBrain.Hub.OnCall;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityBrain.Hub.Tests.OnCall;

public sealed class OnCallRepliesTests
{
    private const string Topic = "citybrain/v1/_replies/citybrain-hub-a/n-01";

    private static ReadOnlySequence<byte> P(string s) => new(Encoding.UTF8.GetBytes(s));

    private static string Answer(string status) =>
        $$"""{"v":1,"node":"n-01","sensor":"env-01","status":"{{status}}","error":null,"message":null,"readings":[{"quantity":"air_temperature","value":21.5,"unit":"°C","ts":1795000000000,"quality":"good"}],"faults":[],"ts":1795000000001}""";

    [Fact]
    public async Task OnReply_MatchingCorrelation_CompletesThatRequestOnly()
    {
        var replies = new OnCallReplies(NullLogger<OnCallReplies>.Instance);
        byte[] mine = [1, 2, 3];
        var waiting = replies.Expect(Convert.ToHexString(mine))!;
        var other = replies.Expect(Convert.ToHexString([9]))!;

        replies.OnReply(Topic, new byte[] { 7 }, P(Answer("ok"))); // someone else's
        replies.OnReply(Topic, ReadOnlyMemory<byte>.Empty, P(Answer("ok"))); // no correlation
        Assert.False(waiting.IsCompleted);

        replies.OnReply(Topic, mine, P(Answer("ok")));
        var answer = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(("ok", 21.5), (answer.Status, answer.Readings[0].Value));
        Assert.False(other.IsCompleted);
    }

    [Fact]
    public void OnReply_UnreadableAnswer_LeavesTheRequestWaiting()
    {
        var replies = new OnCallReplies(NullLogger<OnCallReplies>.Instance);
        byte[] mine = [1];
        var waiting = replies.Expect(Convert.ToHexString(mine))!;
        replies.OnReply(Topic, mine, P("{not json"));
        Assert.False(waiting.IsCompleted);
    }

    [Fact]
    public void Expect_BeyondMaxPending_RefusedUntilOneIsForgotten()
    {
        var replies = new OnCallReplies(NullLogger<OnCallReplies>.Instance);
        for (int i = 0; i < OnCallReplies.MaxPending; i++)
        {
            Assert.NotNull(replies.Expect("k" + i));
        }

        Assert.Null(replies.Expect("one-more"));
        replies.Forget("k0");
        Assert.NotNull(replies.Expect("one-more"));
        Assert.Equal(OnCallReplies.MaxPending, replies.Pending);
    }
}
