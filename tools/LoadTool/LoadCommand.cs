using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json;

namespace LoadTool;

/// <summary>The command line: options, their checks, and the mapping to <see cref="LoadOptions"/>.</summary>
public static class LoadCommand
{
    public static readonly Option<Uri> Url = new("--url")
    {
        Description = "Base URL of the function app (local `func start` or https://<app>.azurewebsites.net).",
        DefaultValueFactory = _ => new Uri("http://localhost:7071"),
        CustomParser = ParseUrl,
    };

    public static readonly Option<int> Jobs = new("--jobs", "-n")
    {
        Description = $"How many jobs to submit (1..{LoadOptions.MaxJobs}).",
        DefaultValueFactory = _ => 100,
    };

    public static readonly Option<int> Concurrency = new("--concurrency", "-c")
    {
        Description = $"How many jobs are in flight at once, each holding at most one request (1..{LoadOptions.MaxConcurrency}). Equal to --jobs for a single burst.",
        DefaultValueFactory = _ => 50,
    };

    public static readonly Option<string?> Key = new("--key")
    {
        Description = "Function key, sent as the x-functions-key header on every request.",
    };

    public static readonly Option<string> Kind = new("--kind")
    {
        Description = "Job kind.",
        DefaultValueFactory = _ => "primes",
    };

    public static readonly Option<JsonElement> Input = new("--input")
    {
        Description = "Job input as a JSON object.",
        DefaultValueFactory = _ => JsonDocument.Parse("""{"limit":1000000}""").RootElement.Clone(),
        CustomParser = ParseInput,
    };

    public static readonly Option<int> Wait = new("--wait")
    {
        Description = "Seconds each status GET may long-poll (?wait=); 0 polls at the server's Retry-After pace.",
        DefaultValueFactory = _ => 30,
    };

    public static readonly Option<int> Timeout = new("--timeout")
    {
        Description = "Seconds the whole run may take; jobs accepted but unfinished by then are reported lost.",
        DefaultValueFactory = _ => 300,
    };

    public static readonly Option<int?> RequestTimeout = new("--request-timeout")
    {
        Description = "Seconds one request may take (default: --wait + 30).",
    };

    public static readonly Option<bool> RetryBusy = new("--retry-busy")
    {
        Description = "Resubmit a job answered 503 or 429 after its Retry-After, with its Idempotency-Key, as a good client does (default); --retry-busy false counts them as errors.",
        DefaultValueFactory = _ => true,
    };

    static LoadCommand()
    {
        Jobs.Validators.Add(result => RequireRange(result, 1, LoadOptions.MaxJobs));
        Concurrency.Validators.Add(result => RequireRange(result, 1, LoadOptions.MaxConcurrency));
        // Azure's front end ends any HTTP request after 230 s, so a longer long-poll could never answer.
        Wait.Validators.Add(result => RequireRange(result, 0, 230));
        Timeout.Validators.Add(result => RequireRange(result, 1, 24 * 3600));
        RequestTimeout.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is not int seconds) return;
            if (seconds <= result.GetValue(Wait))
                result.AddError("--request-timeout must be longer than --wait, or every long-poll times out.");
            else if (seconds > 24 * 3600)
                result.AddError($"--request-timeout must be at most {24 * 3600} seconds, not {seconds}.");
        });
    }

    public static RootCommand Create(Func<LoadOptions, CancellationToken, Task<int>> run)
    {
        var command = new RootCommand("Submits many jobs to the function app, waits for every result, and reports throughput, latency percentiles and errors.")
        {
            Url, Jobs, Concurrency, Key, Kind, Input, Wait, Timeout, RequestTimeout, RetryBusy,
        };
        command.SetAction((parseResult, cancellationToken) => run(ReadOptions(parseResult), cancellationToken));
        return command;
    }

    public static LoadOptions ReadOptions(ParseResult parseResult) => new(
        parseResult.GetRequiredValue(Url),
        parseResult.GetValue(Jobs),
        parseResult.GetValue(Concurrency),
        parseResult.GetRequiredValue(Kind),
        parseResult.GetValue(Input),
        parseResult.GetValue(Key),
        parseResult.GetValue(Wait),
        TimeSpan.FromSeconds(parseResult.GetValue(Timeout)),
        parseResult.GetValue(RequestTimeout) is int seconds ? TimeSpan.FromSeconds(seconds) : null,
        parseResult.GetValue(RetryBusy));

    private static Uri ParseUrl(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https") return url;
        result.AddError($"--url must be an absolute http or https URL, not '{text}'.");
        return null!;
    }

    private static JsonElement ParseInput(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object) return document.RootElement.Clone();
            result.AddError($"--input must be a JSON object, not '{text}'.");
        }
        catch (JsonException error)
        {
            result.AddError($"--input is not valid JSON: {error.Message}");
        }
        return default;
    }

    private static void RequireRange(OptionResult result, int min, int max)
    {
        var value = result.GetValueOrDefault<int>();
        if (value < min || value > max) result.AddError($"{result.Option.Name} must be between {min} and {max}, not {value}.");
    }
}
