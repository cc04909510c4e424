using System.Text.Json;

namespace LoadTool;

/// <summary>Body of <c>POST /api/jobs</c>.</summary>
public sealed record SubmitJobRequest(string Kind, JsonElement Input);
