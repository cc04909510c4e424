namespace Functions.Http;

/// <summary>A request the HTTP face refuses before any service sees it (a bad query value, body or content type), with the problem it answers.</summary>
public sealed class RequestRefusedException(int status, string title, string detail, string? field = null) : Exception(detail)
{
    public int Status { get; } = status;

    public string Title { get; } = title;

    public string? Field { get; } = field;

    public static RequestRefusedException InvalidQuery(string field, string detail) => new(400, "Invalid query", detail, field);
}
