using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Runtime.CompilerServices;

namespace CityBrain.Hub.Alerts;

/// <summary>
/// The alert conditions (one <see cref="ConditionState"/> per rule, node and sensor), kept only while they matter: a
/// value that raises (pending), a node rule that holds, or an active (or acknowledged) alert. A healthy city keeps none.
/// Whoever steps a condition removes it when the step leaves it idle (not pending, no active alert).
/// </summary>
/// <remarks>
/// Concurrency: readings of one node may be observed on several threads, and the tick and node changes step
/// conditions too, so a thread may hold a condition another thread has just removed. The protocol that keeps every
/// change: a condition is only read or written under its <see cref="ConditionState.Gate"/>; removal happens under
/// that lock, marks the state <see cref="ConditionState.Removed"/> and takes it out of the map in the same critical
/// section (only that exact instance). Hence a state not marked removed is the one in the map, and a thread that
/// finds the mark after taking the lock looks the key up again (<see cref="Enter"/>), creating a fresh state if its
/// value needs one. No raise or pending start is applied to a dead state, so none is lost. The per-rule count of
/// conditions (<see cref="CounterOf"/>) is raised before a state is added and lowered after it is removed, so a
/// reader that sees zero knows there was nothing to find when it looked: its non-raising value is ordered before any
/// later raise.
/// </remarks>
internal sealed class ConditionStore
{
    private readonly ConcurrentDictionary<(string Rule, string Node, string Sensor), ConditionState> _conditions = new();
    private readonly FrozenDictionary<string, StrongBox<int>> _perRule;
    private readonly int _max;
    private int _count;

    public ConditionStore(IEnumerable<AlertRule> rules, int maxConditions)
    {
        _perRule = rules.ToFrozenDictionary(r => r.Id, _ => new StrongBox<int>(), StringComparer.Ordinal);
        _max = maxConditions;
    }

    /// <summary>Conditions kept; zero in a healthy city.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>How many conditions of the rule the map holds (read it with <see cref="Volatile.Read(ref int)"/>).</summary>
    public StrongBox<int> CounterOf(string ruleId) => _perRule[ruleId];

    /// <summary>Every condition (a snapshot-free walk of the map; take each state's lock before reading it).</summary>
    public IEnumerable<ConditionState> All()
    {
        foreach (var (_, state) in _conditions)
        {
            yield return state;
        }
    }

    /// <summary>
    /// The live condition of the rule at this place, with its lock taken (release it with <see cref="Exit"/>): the one
    /// in the map, or a new one when <paramref name="create"/> (null when it does not exist and is not to be created, or
    /// the map is full). A state found removed once its lock is taken is dropped and the key looked up again.
    /// </summary>
    public ConditionState? Enter(AlertRule rule, string district, string grid, string node, string? sensor, bool create)
    {
        var key = (rule.Id, node, sensor ?? "");
        while (true)
        {
            if (!_conditions.TryGetValue(key, out var state)
                && (!create || (state = Add(new ConditionState(rule, district, grid, node, sensor), capped: true)) is null))
            {
                return null;
            }

            state.Gate.Enter();
            if (!state.Removed)
            {
                return state;
            }

            state.Gate.Exit();
        }
    }

    /// <summary>Releases a condition taken by <see cref="Enter"/>, removing it when the step left it idle.</summary>
    public void Exit(ConditionState state)
    {
        try
        {
            RemoveIfIdle(state);
        }
        finally
        {
            state.Gate.Exit();
        }
    }

    /// <summary>
    /// Adds a condition (or finds the one another thread added first for the same key). The counts go up before the
    /// state is in the map, so a reader that sees a rule's count at zero knows the map held none of it.
    /// </summary>
    /// <param name="capped">False to add beyond <see cref="AlertOptions.MaxConditions"/> (active alerts restored at start).</param>
    public ConditionState? Add(ConditionState fresh, bool capped)
    {
        if (Interlocked.Increment(ref _count) > _max && capped)
        {
            Interlocked.Decrement(ref _count);
            return null;
        }

        var counter = _perRule.GetValueOrDefault(fresh.Rule.Id);
        if (counter is not null)
        {
            Interlocked.Increment(ref counter.Value);
        }

        var state = _conditions.GetOrAdd(KeyOf(fresh), fresh);
        if (state != fresh)
        {
            Uncount(counter);
        }

        return state;
    }

    /// <summary>Removes an idle condition from the map (caller holds its lock; see the class remarks).</summary>
    public void RemoveIfIdle(ConditionState state)
    {
        if (state.Removed || !state.IsIdle)
        {
            return;
        }

        state.Removed = true;
        if (_conditions.TryRemove(KeyValuePair.Create(KeyOf(state), state)))
        {
            Uncount(_perRule.GetValueOrDefault(state.Rule.Id));
        }
    }

    private void Uncount(StrongBox<int>? counter)
    {
        if (counter is not null)
        {
            Interlocked.Decrement(ref counter.Value);
        }

        Interlocked.Decrement(ref _count);
    }

    private static (string Rule, string Node, string Sensor) KeyOf(ConditionState state) => (state.Rule.Id, state.Node, state.Sensor ?? "");
}
