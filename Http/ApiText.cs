namespace Functions.Http;

/// <summary>Descriptions that several endpoints share, for their OpenAPI attributes.</summary>
public static class ApiText
{
    public const string JobId = "The job's id, as the submit answered it: 32 lowercase hex digits.";

    public const string Wait =
        "Hold the request up to this many seconds until the job finishes; more than Jobs__MaxWaitSeconds ({Jobs__MaxWaitSeconds}) counts as that many.";

    public const string LastEventId =
        "The id of the last event seen, to resume a stream where it broke off; an EventSource sends it when it reconnects.";

    public const string InvalidQuery = "A query value is not valid; 'field' names it.";

    public const string JobNotFound = "No job has this id: unknown, malformed, or purged Jobs__RetentionHours after it finished.";

    public const string StorageUnavailable = "Storage did not answer in time; try again after Retry-After.";

    public const string EventStream =
        "The stream: events 'job', 'done' (and on a stream of many, 'missing' and 'end'), each with JSON data.";

    public const string Json = "application/json";

    public const string RetryAfter = "Retry-After";

    public const string Location = "Location";
}
