using Microsoft.Extensions.Logging;

namespace Functions.Http;

internal static partial class HttpLog
{
    [LoggerMessage(LogLevel.Warning, "A request was answered 503: storage did not answer")]
    public static partial void StorageUnavailable(ILogger logger, Exception exception);
}
