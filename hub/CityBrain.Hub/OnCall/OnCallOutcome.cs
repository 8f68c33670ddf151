using CityBrain.Sensing.Contract;

namespace CityBrain.Hub.OnCall;

/// <summary>What became of an on-call request: the node's <see cref="Answer"/>, or why there is none (<see cref="Failure"/>).</summary>
public sealed record OnCallOutcome(OnCallResponse? Answer, OnCallFailure Failure, string? Message = null)
{
    public static OnCallOutcome Answered(OnCallResponse answer) => new(answer, OnCallFailure.None);
}
