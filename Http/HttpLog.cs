using Microsoft.Extensions.Logging;

namespace Functions.Http;

internal static partial class HttpLog
{
    [LoggerMessage(LogLevel.Warning, "A request was answered 503: storage did not answer")]
    public static partial void StorageUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Warning, "An event stream ended early: storage did not answer; the caller reconnects")]
    public static partial void EventStreamCut(ILogger logger, Exception exception);
}
