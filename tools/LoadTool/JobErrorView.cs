namespace LoadTool;

/// <summary>Why a job ended <c>failed</c> or <c>canceled</c>.</summary>
public sealed record JobErrorView(string? Code, string? Message);
