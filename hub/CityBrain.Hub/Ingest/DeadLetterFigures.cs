namespace CityBrain.Hub.Ingest;

/// <summary>
/// The dead-letter files as <c>/ingest/stats</c> shows them: letters written and letters deleted because the files
/// reached their cap (<c>citybrain.hub.deadletters.dropped</c>) since start, bytes on disk, published notifications
/// dropped, and the directory to read them in.
/// </summary>
public sealed record DeadLetterFigures(long Stored, long DroppedByCap, long Bytes, long NotificationsDropped, string Directory);
