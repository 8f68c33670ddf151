using CityBrain.Sensing;

namespace CityBrain.Edge.Processing;

/// <summary>
/// A sensor's stages in order: what one stage emits is processed by the next; the last stage's output goes to the
/// caller's collector, faults go straight through. <see cref="Tick"/> ticks each stage in order, and what a tick emits
/// flows through the later stages (which are ticked after). Single-threaded, like its stages.
/// </summary>
public sealed class ProcessorChain : IReadingProcessor
{
    private readonly IReadingProcessor[] _stages;
    private readonly Link[] _links;
    private IReadingCollector? _output;

    public ProcessorChain(IReadOnlyList<IReadingProcessor> stages)
    {
        _stages = [.. stages];
        _links = new Link[_stages.Length];
        for (int i = 0; i < _links.Length; i++)
        {
            _links[i] = new Link(this, i + 1);
        }
    }

    public IReadOnlyList<IReadingProcessor> Stages => _stages;

    public void Process(in Reading reading, IReadingCollector output)
    {
        _output = output;
        Forward(0, reading);
    }

    public void Tick(DateTimeOffset now, IReadingCollector output)
    {
        _output = output;
        for (int i = 0; i < _stages.Length; i++)
        {
            _stages[i].Tick(now, _links[i]);
        }
    }

    private void Forward(int stage, in Reading reading)
    {
        if (stage == _stages.Length)
        {
            _output!.Add(reading);
        }
        else
        {
            _stages[stage].Process(reading, _links[stage]);
        }
    }

    /// <summary>The collector a stage writes to: forwards to the next stage.</summary>
    private sealed class Link(ProcessorChain chain, int next) : IReadingCollector
    {
        public void Add(in Reading reading) => chain.Forward(next, reading);

        public void AddFault(SensorFault fault) => chain._output!.AddFault(fault);
    }
}
