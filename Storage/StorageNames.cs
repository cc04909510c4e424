namespace Functions.Storage;

/// <summary>The storage names shared by the code, host.json, the function bindings and infra/.</summary>
public static class StorageNames
{
    /// <summary>The connection setting (section) the triggers and the app's own clients read.</summary>
    public const string Connection = "AzureWebJobsStorage";

    public const string JobsQueue = "jobs";

    /// <summary>Where the host moves a message after maxDequeueCount failed attempts.</summary>
    public const string PoisonQueue = JobsQueue + "-poison";

    /// <summary>Deliveries of job callbacks: a message per job end, and per retry.</summary>
    public const string CallbacksQueue = "callbacks";

    /// <summary>Where a delivery given up on goes, by the app or by the host after maxDequeueCount failed attempts.</summary>
    public const string CallbacksPoisonQueue = CallbacksQueue + "-poison";

    public const string JobsTable = "jobs";

    public const string ResultsContainer = "job-results";
}
