using Functions.Jobs.Callbacks;

namespace Functions.Jobs.Store;

/// <summary>The callbacks queue: a job's end writes it, <see cref="CallbackFunction"/> reads it.</summary>
public interface ICallbackQueue
{
    /// <summary>Sends a message, visible to the listeners after <paramref name="delay"/> (at once by default).</summary>
    Task SendAsync(CallbackMessage message, CancellationToken cancellationToken, TimeSpan delay = default);

    /// <summary>Puts the message of a delivery given up on where operators look: the callbacks poison queue.</summary>
    Task SendToPoisonAsync(CallbackMessage message, CancellationToken cancellationToken);
}
