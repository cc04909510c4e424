namespace Functions.Jobs.Store;

/// <summary>The jobs queue: the HTTP side and the fan-out write it, <see cref="ComputeFunction"/> reads it.</summary>
public interface IJobQueue
{
    /// <summary>Sends a message, visible to the listeners after <paramref name="delay"/> (at once by default).</summary>
    Task SendAsync(JobMessage message, CancellationToken cancellationToken, TimeSpan delay = default);

    /// <summary>
    /// Sends a small job's start message, at once, in one queue message with the others sent at the same moment
    /// (<see cref="JobMessage.Group"/>).
    /// </summary>
    Task SendStartAsync(JobMessage message, CancellationToken cancellationToken);

    /// <summary>The approximate number of messages in the jobs queue, invisible ones included.</summary>
    Task<int> GetJobsDepthAsync(CancellationToken cancellationToken);

    /// <summary>The approximate number of messages in the jobs queue and in its poison queue.</summary>
    Task<QueueDepths> GetDepthsAsync(CancellationToken cancellationToken);

    /// <summary>When the first visible message on the jobs queue and on its poison queue was sent: one peek at each.</summary>
    Task<OldestMessages> PeekOldestAsync(CancellationToken cancellationToken);
}

/// <summary>Messages waiting on the jobs queue, and messages the host gave up on (the poison queue).</summary>
public sealed record QueueDepths(int Jobs, int Poison);

/// <summary>
/// When the message at the front of each queue was first sent, null for a queue with no visible message. A queue is
/// roughly first in, first out, and a peek sees only visible messages (not those being processed or sent delayed).
/// </summary>
public sealed record OldestMessages(DateTimeOffset? Jobs, DateTimeOffset? Poison);
