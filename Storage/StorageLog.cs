using Microsoft.Extensions.Logging;

namespace Functions.Storage;

internal static partial class StorageLog
{
    [LoggerMessage(LogLevel.Warning, "Storage refused the app's identity creating the {What} (403): its role assignments may still be reaching storage; trying again in {Seconds} s")]
    public static partial void IdentityRefused(ILogger logger, Exception exception, string what, double seconds);

    [LoggerMessage(LogLevel.Warning, "Job {JobId} finished, but its listing entry was not updated ({Failure}): the listing reads its row until the next ledger pass")]
    public static partial void ListingLeftToRow(ILogger logger, string jobId, string failure);

    [LoggerMessage(LogLevel.Information, "The jobs table keeps its index in {Recorded} partitions, as first recorded; Storage:IndexShards says {Configured}, which applies only to a new table")]
    public static partial void IndexShardsRecorded(ILogger logger, int recorded, int configured);
}
