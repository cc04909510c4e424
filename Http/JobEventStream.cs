using System.Reflection;
using System.Text.Json;
using System.Threading.Channels;
using Functions.Jobs.Store;
using Functions.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Functions.Http;

/// <summary>
/// One open event stream of one or more jobs. Events: <c>job</c> (a view of a job that may still change), <c>done</c>
/// (its final view), on a stream of many also <c>missing</c> (no such job) and <c>end</c> (every job is over). Each
/// event's <c>id:</c> holds the marks of every job of the stream as the caller has seen them (<see cref="JobEventId"/>), so
/// a reconnect sends only what is newer. The stream ends by itself after <see cref="WatchOptions.MaxStreamSeconds"/>;
/// when the caller goes away, the watches, the heartbeat and the deadline all stop with it.
/// </summary>
public sealed class JobEventStream(
    JobEvents owner, IReadOnlyList<string> ids, IReadOnlyList<JobSnapshot?> known, JobEventId?[] seen, bool many, CancellationToken invocation)
    : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult
{
    /// <summary>How long the browser waits before it reconnects: a short gap in a live view, not a load on the app.</summary>
    public static readonly TimeSpan Retry = TimeSpan.FromSeconds(1);

    /// <summary>A comment this often keeps proxies and load balancers from closing a quiet stream.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    /// <summary>A job's progress is sent at most this often: a few events a second is all a progress bar needs.</summary>
    public static readonly TimeSpan MinGap = TimeSpan.FromMilliseconds(250);

    public int? StatusCode => StatusCodes.Status200OK;

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), [EventStreamWriter.ContentType]));

    private readonly Channel<Item> _items = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });

    public async Task ExecuteAsync(HttpContext context)
    {
        var time = owner.Time;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(owner.Options.MaxStreamSeconds), time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(invocation, context.RequestAborted, deadline.Token);
        var token = stop.Token;
        owner.Opened();
        var work = new List<Task>();
        try
        {
            var writer = await EventStreamWriter.StartAsync(context, Retry, token);
            work.AddRange(ids.Select((_, index) => WatchAsync(index, token)));
            var watching = Task.WhenAll(work);
            _ = watching.ContinueWith(done => _items.Writer.TryComplete(done.Exception?.GetBaseException()), TaskScheduler.Default);
            work.Add(HeartbeatAsync(token));

            await foreach (var item in _items.Reader.ReadAllAsync(token))
            {
                if (item.Comment is { } comment) await writer.CommentAsync(comment, token);
                else await writer.EventAsync(item.Type!, Id(item), item.Data!, token);
            }

            // The reader ends when every watch has ended; unless they were stopped, every job is over.
            if (many && watching.IsCompletedSuccessfully) await writer.EventAsync("end", null, "{}", token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The caller went away, or the stream's time is up: the browser reconnects and resumes.
        }
        catch (Exception e) when (e is StorageUnavailableException || e.InnerException is StorageUnavailableException)
        {
            // A first read failed; the browser reconnects and resumes, and the read is tried again.
            HttpLog.EventStreamCut(owner.Logger, e);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(work.Select(task => task.ContinueWith(_ => { }, TaskScheduler.Default)));
            owner.Closed();
        }
    }

    /// <summary>One job: each state the caller has not seen, at most one per <see cref="MinGap"/>, until it finishes.</summary>
    private async Task WatchAsync(int index, CancellationToken cancellationToken)
    {
        var last = seen[index];
        if (last?.IsFinal == true) return;
        var any = false;
        await foreach (var snapshot in owner.Watch.WatchAsync(ids[index], known[index], cancellationToken))
        {
            any = true;
            var mark = JobEventId.Of(snapshot);
            if (!mark.IsNewerThan(last)) continue;
            var view = JsonSerializer.Serialize(JobView.From(snapshot), JobJson.Options);
            await _items.Writer.WriteAsync(new Item(index, mark, mark.IsFinal ? "done" : "job", view, null), cancellationToken);
            last = mark;
            if (!mark.IsFinal) await Task.Delay(MinGap, owner.Time, cancellationToken);
        }

        if (!any)
            await _items.Writer.WriteAsync(new Item(index, JobEventId.Gone, "missing", JsonSerializer.Serialize(new { id = ids[index] }, JobJson.Options), null), cancellationToken);
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Heartbeat, owner.Time);
        while (await timer.WaitForNextTickAsync(cancellationToken)) await _items.Writer.WriteAsync(Item.Beat, cancellationToken);
    }

    /// <summary>The event's id: the marks of every job as the caller will have seen them once it has this event.</summary>
    private string Id(Item item)
    {
        seen[item.Index] = item.Mark;
        return string.Join('.', seen.Select(mark => mark?.ToString() ?? JobEventId.Unseen));
    }

    private sealed record Item(int Index, JobEventId Mark, string? Type, string? Data, string? Comment)
    {
        public static Item Beat { get; } = new(-1, default, null, null, "heartbeat");
    }
}
