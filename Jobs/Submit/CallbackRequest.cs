namespace Functions.Jobs.Submit;

/// <summary>
/// <c>"callback": {"url": "https://…", "events": ["succeeded", "failed", "canceled"]}</c>: call this URL when the job
/// ends in one of these states (all three when <paramref name="Events"/> is null).
/// </summary>
public sealed record CallbackRequest(string Url, IReadOnlyList<string>? Events);
