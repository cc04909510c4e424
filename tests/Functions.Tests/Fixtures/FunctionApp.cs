using System.Text;
using Azure.Storage.Queues.Models;
using Azure.Storage.Queues;
using Functions.Jobs.Store;
using Functions.Jobs;
using Functions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Primitives;

namespace Functions.Tests.Fixtures;

/// <summary>
/// The function app as Program.cs composes it, against a real storage account. The Functions host cannot run
/// here, so this stands in for its two parts the tests need: invoking HTTP functions with a request, and a queue
/// listener that decodes messages per host.json, retries failures and moves them to the poison queue after
/// maxDequeueCount attempts.
/// </summary>
public sealed class FunctionApp : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly QueueClient _rawJobs;
    private readonly QueueClient _rawPoison;
    private readonly QueueClient _rawCallbacks;
    private readonly QueueClient _rawCallbacksPoison;

    public FunctionApp(string connectionString, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? addTestServices = null)
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.ConfigureFunctionsWebApplication();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["Compute:ProgressIntervalMilliseconds"] = "200",
            // The probe's 3 s deadline is for Azure's probes; a test that expects "healthy" should not fail on a busy machine.
            ["Health:DeadlineSeconds"] = "30",
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddApp(builder.Configuration);
        addTestServices?.Invoke(builder.Services);
        _services = builder.Services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        HttpFunctions = new HttpFunctions(_services);
        Compute = ActivatorUtilities.CreateInstance<ComputeFunction>(_services);
        // The listener's own client retries like the app's clients, so a test of a storage outage is not held up for
        // the SDK's default 5 retries with exponential backoff (25 s) before a message can be given up.
        var listenerOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        listenerOptions.Retry.MaxRetries = 3;
        listenerOptions.Retry.Delay = TimeSpan.FromMilliseconds(500);
        var raw = new QueueServiceClient(connectionString, listenerOptions);
        _rawJobs = raw.GetQueueClient(StorageNames.JobsQueue);
        _rawPoison = raw.GetQueueClient(StorageNames.PoisonQueue);
        Callbacks = ActivatorUtilities.CreateInstance<CallbackFunction>(_services);
        _rawCallbacks = raw.GetQueueClient(StorageNames.CallbacksQueue);
        _rawCallbacksPoison = raw.GetQueueClient(StorageNames.CallbacksPoisonQueue);
    }

    public IServiceProvider Services => _services;

    public HttpFunctions HttpFunctions { get; }

    /// <summary>Serves the app's HTTP functions over real HTTP on a free loopback port until the server is disposed.</summary>
    public Task<AppServer> ServeAsync() => AppServer.StartAsync(HttpFunctions);

    public ComputeFunction Compute { get; }

    public IJobStore Store => _services.GetRequiredService<IJobStore>();

    public QueueClient RawJobsQueue => _rawJobs;

    public QueueClient RawPoisonQueue => _rawPoison;

    public CallbackFunction Callbacks { get; }

    public QueueClient RawCallbacksQueue => _rawCallbacks;

    public QueueClient RawCallbacksPoisonQueue => _rawCallbacksPoison;

    /// <summary>How long a message the pump took stays invisible to others; after it, a message whose invocation died is delivered again.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Empties the queues, so a test sees only its own messages.</summary>
    public async Task ClearQueuesAsync()
    {
        await _services.GetRequiredService<StorageInitializer>().EnsureQueuesAsync(CancellationToken.None);
        await _rawJobs.ClearMessagesAsync();
        await _rawPoison.ClearMessagesAsync();
        await _rawCallbacks.ClearMessagesAsync();
        await _rawCallbacksPoison.ClearMessagesAsync();
    }

    /// <summary>Encodes a message the way the app's queue client does for host.json's messageEncoding.</summary>
    public static string EncodeAsHost(string text) =>
        HostJson.MessageEncoding.Equals("base64", StringComparison.OrdinalIgnoreCase) ? Convert.ToBase64String(Encoding.UTF8.GetBytes(text)) : text;

    /// <summary>
    /// One pass of the callbacks queue's listener (apart from <see cref="PumpOnceAsync"/>, so the tests without callbacks
    /// make no more requests): every visible message to <see cref="CallbackFunction"/> once, or to the poison queue.
    /// </summary>
    public Task<int> PumpCallbacksOnceAsync(CancellationToken cancellationToken = default) =>
        ListenOnceAsync(_rawCallbacks, _rawCallbacksPoison, text => Callbacks.DeliverCallback(text, cancellationToken), cancellationToken);

    /// <summary>Runs the jobs' and the callbacks' listeners until <paramref name="condition"/> holds, failing after <paramref name="deadline"/>.</summary>
    public async Task PumpWithCallbacksUntilAsync(Func<Task<bool>> condition, TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        while (!await condition())
        {
            timeout.Token.ThrowIfCancellationRequested();
            if (await PumpOnceAsync(timeout.Token) + await PumpCallbacksOnceAsync(timeout.Token) == 0) await Task.Delay(TimeSpan.FromMilliseconds(50), timeout.Token);
        }
    }

    /// <summary>Decodes a raw queue message the way the host does for host.json's messageEncoding.</summary>
    /// <summary>Takes every message off the jobs queue (hidden for 5 minutes) and reads it: what the app has sent.</summary>
    public async Task<List<JobMessage>> TakeJobMessagesAsync()
    {
        var taken = new List<JobMessage>();
        while ((await _rawJobs.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value is { Length: > 0 } received)
        {
            foreach (var message in received)
            {
                var text = DecodeAsHost(message.MessageText);
                taken.Add(JobMessage.TryParse(text, out var read) ? read : throw new InvalidDataException($"Not a job message: {text}"));
            }
        }

        return taken;
    }

    public static string DecodeAsHost(string raw) =>
        TryDecodeAsHost(raw) ?? throw new FormatException("The message is not in host.json's messageEncoding.");

    private static string? TryDecodeAsHost(string raw)
    {
        if (!HostJson.MessageEncoding.Equals("base64", StringComparison.OrdinalIgnoreCase)) return raw;
        var bytes = new byte[raw.Length];
        return Convert.TryFromBase64String(raw, bytes, out var length) ? Encoding.UTF8.GetString(bytes, 0, length) : null;
    }

    /// <summary>One pass of the host's queue listeners: every visible message is handed to its function once.</summary>
    public async Task<int> PumpOnceAsync(CancellationToken cancellationToken = default)
    {
        var handled = await ListenOnceAsync(_rawJobs, _rawPoison, text => Compute.Compute(text, cancellationToken), cancellationToken);

        foreach (var message in (await _rawPoison.ReceiveMessagesAsync(32, VisibilityTimeout, cancellationToken)).Value)
        {
            handled++;
            if (TryDecodeAsHost(message.MessageText) is null)
            {
                await _rawPoison.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                continue;
            }

            await HandleAsync(_rawPoison, message, text => Compute.FailPoisoned(text, cancellationToken), cancellationToken);
        }

        return handled;
    }

    /// <summary>One receive of a queue's listener, as the host runs it: each message to <paramref name="function"/>.</summary>
    private async Task<int> ListenOnceAsync(QueueClient queue, QueueClient poison, Func<string, Task> function, CancellationToken cancellationToken)
    {
        var handled = 0;
        foreach (var message in (await queue.ReceiveMessagesAsync(32, VisibilityTimeout, cancellationToken)).Value)
        {
            handled++;
            // The host moves a message it cannot decode, or has tried maxDequeueCount times, to the poison queue.
            if (message.DequeueCount > HostJson.MaxDequeueCount || TryDecodeAsHost(message.MessageText) is null)
            {
                await poison.SendMessageAsync(message.MessageText, cancellationToken);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                continue;
            }

            await HandleAsync(queue, message, function, cancellationToken);
        }

        return handled;
    }

    /// <summary>Runs the queue listeners until <paramref name="condition"/> holds, failing after <paramref name="deadline"/>.</summary>
    public async Task PumpUntilAsync(Func<Task<bool>> condition, TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        while (!await condition())
        {
            timeout.Token.ThrowIfCancellationRequested();
            if (await PumpOnceAsync(timeout.Token) == 0) await Task.Yield();
        }
    }

    /// <summary>Checks <paramref name="condition"/> until it holds, without running the listeners; fails after <paramref name="deadline"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        while (!await condition()) await Task.Delay(TimeSpan.FromMilliseconds(20), timeout.Token);
    }

    /// <summary>Runs the queue listeners in the background until the returned handle is disposed.</summary>
    public IAsyncDisposable StartListening()
    {
        var stop = new CancellationTokenSource();
        var loop = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    if (await PumpOnceAsync(stop.Token) == 0) await Task.Yield();
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
            }
        });
        return new Listening(stop, loop);
    }

    private sealed class Listening(CancellationTokenSource stop, Task loop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await loop;
            stop.Dispose();
        }
    }

    public async Task<JobStatus?> StatusAsync(string id) => (await Store.GetAsync(id, CancellationToken.None))?.Job.Status;

    public Task<HttpAnswer> GetAsync(string pathAndQuery) => SendAsync("GET", pathAndQuery);

    public Task<HttpAnswer> PostJobAsync(string body, string query = "", string contentType = "application/json", IDictionary<string, string>? headers = null) =>
        SendAsync("POST", Functions.Http.Routes.JobsPath + query, body, contentType, headers);

    /// <summary>Submits a job that must be accepted and returns its id.</summary>
    public async Task<string> SubmitAsync(string body)
    {
        var answer = await PostJobAsync(body);
        return answer.Status is 200 or 202
            ? answer.Json.GetProperty("id").GetString()!
            : throw new InvalidOperationException($"Submit answered {answer.Status}: {answer.Text}");
    }

    public Task<HttpAnswer> DeleteAsync(string path) => SendAsync("DELETE", path);

    /// <summary>Routes a request to its HTTP function as the host's routes in functions.metadata do, and runs the answer.</summary>
    public Task<HttpAnswer> SendAsync(
        string method, string pathAndQuery, string? body = null, string? contentType = "application/json",
        IDictionary<string, string>? headers = null, CancellationToken cancellationToken = default) =>
        SendBytesAsync(method, pathAndQuery, body is null ? null : Encoding.UTF8.GetBytes(body), contentType, headers, cancellationToken);

    /// <summary>Like <see cref="SendAsync"/>, with a body of any bytes (not necessarily UTF-8), and headers that may repeat.</summary>
    public async Task<HttpAnswer> SendBytesAsync(
        string method, string pathAndQuery, byte[]? body, string? contentType, IEnumerable<KeyValuePair<string, string>>? headers = null, CancellationToken cancellationToken = default)
    {
        var context = new DefaultHttpContext { RequestServices = _services };
        var queryStart = pathAndQuery.IndexOf('?');
        var path = queryStart < 0 ? pathAndQuery : pathAndQuery[..queryStart];
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(queryStart < 0 ? "" : pathAndQuery[queryStart..]);
        // As a server reads them: a header given twice has two values, and an empty value is still a value.
        foreach (var header in (headers ?? []).GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
            context.Request.Headers[header.Key] = new StringValues([.. header.Select(h => h.Value)]);
        if (body is not null)
        {
            context.Request.Body = new MemoryStream(body);
            context.Request.ContentLength = body.Length;
            context.Request.ContentType = contentType;
        }

        context.Response.Body = new MemoryStream();
        if (!await HttpFunctions.InvokeAsync(context, cancellationToken)) throw new ArgumentException($"No function serves {method} {path}.");
        return HttpAnswer.From(context.Response);
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();

    private static async Task HandleAsync(QueueClient queue, QueueMessage message, Func<string, Task> function, CancellationToken cancellationToken)
    {
        try
        {
            await function(DecodeAsHost(message.MessageText));
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The host leaves a failed message on the queue to be retried; here it becomes visible again at once.
            await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: cancellationToken);
            return;
        }

        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
    }
}
