using System.Text.Json;

namespace LoadTool;

/// <summary>Body of the 202 and 200 answers of <c>POST /api/jobs</c> and <c>GET /api/jobs/{id}</c>; only the fields the tool reads.</summary>
public sealed record JobStatusView(
    string? Id,
    string? Status,
    string? StatusUrl,
    double? Progress,
    JsonElement? Result,
    JobErrorView? Error);
