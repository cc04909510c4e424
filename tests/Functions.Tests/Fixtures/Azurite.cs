using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Functions.Tests.Fixtures;

/// <summary>A real Azurite process on free loopback ports: in memory, or on disk when a folder is given.</summary>
public sealed partial class Azurite : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account key (public, documented).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly Process _process;
    private readonly Task _servicesClosed;

    private Azurite(Process process, Task servicesClosed, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        _servicesClosed = servicesClosed;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    /// <summary>The CPU time Azurite's process has used so far.</summary>
    public TimeSpan ProcessorTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    /// <summary>Starts Azurite; with <paramref name="location"/> its data survives a restart on the same ports.</summary>
    public static async Task<Azurite> StartAsync(string? location = null, (int Blob, int Queue, int Table)? ports = null)
    {
        var executable = RepositoryRoot.File("node_modules", ".bin", "azurite");
        if (!File.Exists(executable))
            throw new InvalidOperationException($"Azurite is not installed at {executable}: run ./test.sh (it runs 'npm ci') first.");

        var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            "--blobPort", (ports?.Blob ?? 0).ToString(), "--queuePort", (ports?.Queue ?? 0).ToString(), "--tablePort", (ports?.Table ?? 0).ToString(),
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1", "--skipApiVersionCheck", "--disableProductStyleUrl",
        }) info.ArgumentList.Add(argument);
        if (location is null) info.ArgumentList.Add("--inMemoryPersistence");
        else
        {
            info.ArgumentList.Add("--location");
            info.ArgumentList.Add(location);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Azurite did not start.");
        var found = new Dictionary<string, int>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var closed = new HashSet<string>();
        var servicesClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new List<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.Add(e.Data);
            if (Closed().Match(e.Data) is { Success: true } closing)
            {
                lock (closed)
                {
                    closed.Add(closing.Groups["service"].Value);
                    if (closed.Count == 3) servicesClosed.TrySetResult();
                }
            }

            var match = Listening().Match(e.Data);
            if (!match.Success) return;
            lock (found)
            {
                found[match.Groups["service"].Value] = int.Parse(match.Groups["port"].Value);
                if (found.Count == 3) ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        process.Exited += (_, _) =>
        {
            ready.TrySetException(new InvalidOperationException("Azurite exited: " + string.Join('\n', output)));
            servicesClosed.TrySetResult();
        };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new Azurite(process, servicesClosed.Task, found["Blob"], found["Queue"], found["Table"]);
    }

    /// <summary>
    /// Stops Azurite after it has saved its data, so a restart on the same folder finds every write it acknowledged.
    /// Killing it at once (<see cref="StopAsync"/>) loses up to its autosave interval (5 s) of acknowledged writes, a
    /// loss real storage never has. On SIGTERM Azurite stops answering and saves; it would then linger until clients
    /// drop their keep-alive connections, so once every service reports closed it is killed.
    /// </summary>
    public async Task ShutDownAsync()
    {
        if (_process.HasExited) return;
        if (Kill(_process.Id, SignalTerminate) != 0) throw new InvalidOperationException($"SIGTERM to Azurite failed: errno {Marshal.GetLastPInvokeError()}.");
        await _servicesClosed.WaitAsync(TimeSpan.FromSeconds(60));
        await StopAsync();
    }

    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    private const int SignalTerminate = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int processId, int signal);

    [GeneratedRegex(@"^Azurite (?<service>Blob|Queue|Table) service successfully closed")]
    private static partial Regex Closed();

    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at http://[^:]+:(?<port>\d+)")]
    private static partial Regex Listening();
}
