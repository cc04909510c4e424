using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Functions.Jobs;
using Functions.Tests.Fixtures;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;

namespace Functions.Bench.App;

/// <summary>
/// What tracing costs: small jobs submitted and computed through the app on Azurite with no listener, with the job's
/// and the Azure SDK's spans exported over OTLP/HTTP to a receiver beside it, and with the OTLP endpoint down. The
/// three alternate within each repeat, so they share the machine's state.
/// </summary>
public static class TracingOverheadBenchmark
{
    private const int Jobs = 40;

    public static async IAsyncEnumerable<Figure> RunAsync(BenchOptions options)
    {
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        await using var azurite = await Azurite.StartAsync();
        await using var app = new FunctionApp(azurite.ConnectionString);
        await app.ClearQueuesAsync();
        using var receiver = new OtlpReceiver();
        await RoundTripsAsync(app, 5); // warm-up: clients, tables, JIT

        double off = double.MaxValue, on = double.MaxValue, down = double.MaxValue;
        for (var run = 0; run < options.Repeat; run++)
        {
            off = Math.Min(off, await RoundTripsAsync(app, Jobs));
            using (Tracing(receiver.Endpoint)) on = Math.Min(on, await RoundTripsAsync(app, Jobs));
            using (Tracing(new Uri($"http://127.0.0.1:{ClosedPort()}"))) down = Math.Min(down, await RoundTripsAsync(app, Jobs));
        }

        yield return new Figure(
            "tracing on (OTLP/HTTP), trivial jobs",
            $"{Machine.Number(on, "0.0")} ms per job vs {Machine.Number(off, "0.0")} ms untraced; {receiver.Spans} spans received",
            $"{Machine.Number(on / off)}× untraced");
        yield return new Figure(
            "tracing on, OTLP endpoint down",
            $"{Machine.Number(down, "0.0")} ms per job vs {Machine.Number(off, "0.0")} ms untraced",
            $"{Machine.Number(down / off)}× untraced");
    }

    /// <summary>Milliseconds per job: submit, compute, read, one job after another.</summary>
    private static async Task<double> RoundTripsAsync(FunctionApp app, int jobs)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < jobs; i++)
        {
            var id = await app.SubmitAsync("""{"kind":"primes","input":{"limit":1000}}""");
            while (await app.StatusAsync(id) != JobStatus.Succeeded) await app.PumpOnceAsync();
            if ((await app.GetAsync($"/api/jobs/{id}")).Status != 200) throw new InvalidOperationException($"Job {id} did not answer 200.");
        }

        return clock.Elapsed.TotalMilliseconds / jobs;
    }

    private static TracerProvider Tracing(Uri endpoint) => Sdk.CreateTracerProviderBuilder()
        .AddSource(JobTracing.SourceName, "Azure.*")
        .AddOtlpExporter(otlp =>
        {
            otlp.Endpoint = new Uri(endpoint, "/v1/traces");
            otlp.Protocol = OtlpExportProtocol.HttpProtobuf;
        })
        .Build();

    private static int ClosedPort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    /// <summary>Takes OTLP/HTTP exports and counts their spans, reading just enough of the protobuf to find them.</summary>
    private sealed class OtlpReceiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private int _spans;

        public OtlpReceiver()
        {
            Endpoint = new Uri($"http://127.0.0.1:{ClosedPort()}/");
            _listener.Prefixes.Add(Endpoint.ToString());
            _listener.Start();
            _ = ServeAsync();
        }

        public Uri Endpoint { get; }

        public int Spans => Volatile.Read(ref _spans);

        public void Dispose() => _listener.Close();

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                // ExportTraceServiceRequest: resource_spans (1) → scope_spans (2) → spans (2).
                foreach (var resource in Protobuf.Fields(body.ToArray(), 1))
                foreach (var scope in Protobuf.Fields(resource, 2))
                    Interlocked.Add(ref _spans, Protobuf.Fields(scope, 2).Count());
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        }
    }

    /// <summary>The length-delimited fields of one number in a protobuf message.</summary>
    private static class Protobuf
    {
        public static IEnumerable<byte[]> Fields(byte[] message, int number)
        {
            var at = 0;
            while (at < message.Length)
            {
                var key = Varint(message, ref at);
                switch (key & 7)
                {
                    case 0: Varint(message, ref at); break;
                    case 1: at += 8; break;
                    case 5: at += 4; break;
                    case 2:
                        var length = (int)Varint(message, ref at);
                        if ((int)(key >> 3) == number) yield return message[at..(at + length)];
                        at += length;
                        break;
                    default: throw new InvalidDataException($"Wire type {key & 7} is not OTLP's.");
                }
            }
        }

        private static ulong Varint(byte[] message, ref int at)
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = message[at++];
                value |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80) return value;
            }
        }
    }
}
