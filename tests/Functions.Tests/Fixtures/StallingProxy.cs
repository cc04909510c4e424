using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Functions.Tests.Fixtures;

/// <summary>
/// A TCP proxy in front of one storage endpoint that can stall: while stalled it keeps every connection open and
/// accepts new ones, but forwards nothing either way, as a throttled or partitioned account does. Resumed, it
/// forwards what it held. For the storage-stall tests, against real Azurite.
/// </summary>
public sealed class StallingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly Lock _gate = new();
    private TaskCompletionSource _requests = Open();
    private TaskCompletionSource _answers = Open();
    private int _held;

    public StallingProxy(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How many pieces of traffic, in either direction, are being held right now.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>Holds all traffic: requests do not reach storage, and no answer comes back.</summary>
    public void Stall() => Stall(requests: true);

    /// <summary>Lets requests through but holds the answers: storage does the work and the caller never hears of it.</summary>
    public void StallAnswers() => Stall(requests: false);

    public void Resume()
    {
        lock (_gate)
        {
            _requests.TrySetResult();
            _answers.TrySetResult();
        }
    }

    private void Stall(bool requests)
    {
        lock (_gate)
        {
            if (requests && _requests.Task.IsCompleted) _requests = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_answers.Task.IsCompleted) _answers = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    private Task Flowing(bool requests)
    {
        lock (_gate) return requests ? _requests.Task : _answers.Task;
    }

    /// <summary>A connection string whose endpoints go through the given proxies instead of straight to Azurite.</summary>
    public static string Route(string connectionString, StallingProxy? blob = null, StallingProxy? queue = null, StallingProxy? table = null)
    {
        foreach (var (name, proxy) in new[] { ("Blob", blob), ("Queue", queue), ("Table", table) })
        {
            if (proxy is null) continue;
            connectionString = System.Text.RegularExpressions.Regex.Replace(connectionString, $@"{name}Endpoint=http://127\.0\.0\.1:\d+", $"{name}Endpoint=http://127.0.0.1:{proxy.Port}");
        }

        return connectionString;
    }

    public async ValueTask DisposeAsync()
    {
        Resume();
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
                var answers = PumpAsync(server.GetStream(), client.GetStream(), requests: false);
                // What the caller sent before it gave up still reaches storage once it flows again: a request that
                // lands after its caller stopped waiting, as over a real network.
                var requests = PumpAsync(client.GetStream(), server.GetStream(), requests: true);
                // Storage closing the connection (an idle keep-alive) closes it for the caller too, so it reconnects.
                if (await Task.WhenAny(requests, answers) == requests) await answers.WaitAsync(TimeSpan.FromSeconds(30), _stop.Token);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or TimeoutException)
            {
                // A side closed the connection; the other goes with it.
            }
        }
    }

    /// <summary>
    /// Copies one direction. Reads go on while stalled (so nothing a sender managed to send is lost when it hangs up);
    /// writes wait until storage flows again, so the other side sees an open connection and no answer.
    /// </summary>
    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool requests)
    {
        var chunks = Channel.CreateUnbounded<byte[]>();
        var forwarding = ForwardAsync(chunks.Reader, to, requests);
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0) chunks.Writer.TryWrite(buffer[..read]);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // The sender hung up; what it sent is still forwarded.
        }
        finally
        {
            chunks.Writer.TryComplete();
        }

        await forwarding;
    }

    private async Task ForwardAsync(ChannelReader<byte[]> chunks, NetworkStream to, bool requests)
    {
        await foreach (var chunk in chunks.ReadAllAsync(_stop.Token))
        {
            if (Flowing(requests) is { IsCompleted: false } flowing)
            {
                Interlocked.Increment(ref _held);
                try
                {
                    await flowing.WaitAsync(_stop.Token);
                }
                finally
                {
                    Interlocked.Decrement(ref _held);
                }
            }

            await to.WriteAsync(chunk, _stop.Token);
        }
    }
}
