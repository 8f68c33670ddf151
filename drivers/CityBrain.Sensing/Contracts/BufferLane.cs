namespace CityBrain.Sensing;

/// <summary>
/// Live first: a reading is <see cref="Live"/> while it is younger than the buffer's live window, and
/// <see cref="Backlog"/> after that. The publisher drains Live ahead of Backlog; each lane is in sequence order.
/// </summary>
public enum BufferLane
{
    Live = 0,
    Backlog = 1,
}
