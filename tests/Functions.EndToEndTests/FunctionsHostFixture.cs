using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Azure.Storage.Queues;
using Functions.Tests.Fixtures;

namespace Functions.EndToEndTests;

/// <summary>
/// The real thing: Azurite and the Azure Functions host (<c>func start</c>) running the app's build output on free
/// ports. Where Core Tools is not installed (no <c>func</c> on PATH and no <c>FUNC_PATH</c>), nothing starts and
/// <see cref="SkipReason"/> says why, so every test reports skipped rather than passed.
/// </summary>
public sealed class FunctionsHostFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromMinutes(3);
    private readonly ConcurrentQueue<string> _output = new();
    private Azurite? _azurite;
    private Process? _host;

    public string? SkipReason { get; private set; }

    public HttpClient Http { get; private set; } = null!;

    /// <summary>The app's queues, writing what the app writes: base64, as host.json's messageEncoding says.</summary>
    public QueueServiceClient Queues { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var func = FindFunc();
        if (func is null)
        {
            SkipReason = "Azure Functions Core Tools is not installed: no 'func' on PATH and FUNC_PATH is not set (npm i -g azure-functions-core-tools@4).";
            return;
        }

        var app = FunctionAppOutput();
        _azurite = await Azurite.StartAsync();
        Queues = new QueueServiceClient(_azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var port = FreePort();
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(3) };
        _host = StartHost(func, app, port, _azurite.ConnectionString);
        await WaitUntilServingAsync();
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_host is not null)
        {
            if (!_host.HasExited) _host.Kill(entireProcessTree: true);
            await _host.WaitForExitAsync();
            _host.Dispose();
        }

        if (_azurite is not null) await _azurite.DisposeAsync();
    }

    /// <summary>Waits until the host has taken and settled every message on the jobs queue and the poison queue.</summary>
    public async Task WaitUntilQueuesEmptyAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        foreach (var name in new[] { "jobs", "jobs-poison" })
        {
            var queue = Queues.GetQueueClient(name);
            // The count includes the messages an invocation holds: it is 0 once the host has deleted or moved every one.
            // The host creates the poison queue with its first poisoned message.
            while ((await queue.ExistsAsync(timeout.Token)).Value && (await queue.GetPropertiesAsync(timeout.Token)).Value.ApproximateMessagesCount > 0)
                await Task.Delay(TimeSpan.FromMilliseconds(200), timeout.Token);
        }
    }

    /// <summary>The last lines the host printed, for a failure message.</summary>
    public string RecentOutput => string.Join('\n', _output.TakeLast(60));

    /// <summary>The lines the host (and the worker through it) printed, the last few thousand.</summary>
    public IReadOnlyList<string> Output => [.. _output];

    private Process StartHost(string func, string app, int port, string storage)
    {
        var info = new ProcessStartInfo(func)
        {
            WorkingDirectory = app,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "start", "--port", port.ToString() }) info.ArgumentList.Add(argument);
        // Environment variables win over local.settings.json in Core Tools.
        info.Environment["AzureWebJobsStorage"] = storage;
        info.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        // Small ranges, so a large job holds the one-message-at-a-time queue for seconds, not a minute.
        info.Environment["Compute__InvocationBudgetSeconds"] = "5";
        // The kind that fails every attempt, so a message reaches the poison queue through the host's own retries.
        info.Environment["Compute__TestKinds"] = "true";
        info.Environment.Remove("APPLICATIONINSIGHTS_CONNECTION_STRING");

        var host = Process.Start(info) ?? throw new InvalidOperationException($"{func} did not start.");
        host.OutputDataReceived += (_, e) => Keep(e.Data);
        host.ErrorDataReceived += (_, e) => Keep(e.Data);
        host.BeginOutputReadLine();
        host.BeginErrorReadLine();
        return host;
    }

    private async Task WaitUntilServingAsync()
    {
        using var deadline = new CancellationTokenSource(StartDeadline);
        while (true)
        {
            if (_host!.HasExited)
                throw new InvalidOperationException($"func exited with code {_host.ExitCode} before serving:\n{RecentOutput}");
            try
            {
                using var answer = await Http.GetAsync("/api/hello", deadline.Token);
                if (answer.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"func did not serve /api/hello within {StartDeadline}:\n{RecentOutput}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), deadline.Token);
        }
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        while (_output.Count > 5000) _output.TryDequeue(out _);
    }

    /// <summary>FUNC_PATH when set (then it must exist: a CI that asks for the tests must not skip them), else func on PATH.</summary>
    private static string? FindFunc()
    {
        if (Environment.GetEnvironmentVariable("FUNC_PATH") is { Length: > 0 } configured)
            return File.Exists(configured) ? configured : throw new FileNotFoundException($"FUNC_PATH is set but '{configured}' does not exist.");
        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, OperatingSystem.IsWindows() ? "func.exe" : "func"))
            .FirstOrDefault(File.Exists);
    }

    private static string FunctionAppOutput()
    {
        var path = typeof(FunctionsHostFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == "FunctionAppOutput").Value!;
        foreach (var file in new[] { "host.json", "functions.metadata", "Functions.dll" })
        {
            if (!File.Exists(Path.Combine(path, file)))
                throw new FileNotFoundException($"The function app is not built at {path} ({file} is missing): build Functions.csproj in the same configuration.");
        }

        return path;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class FunctionsHostCollection : ICollectionFixture<FunctionsHostFixture>
{
    public const string Name = "functions host";
}
