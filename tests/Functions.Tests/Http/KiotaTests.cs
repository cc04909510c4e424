using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Functions.Http;
using Functions.Tests.Fixtures;

namespace Functions.Tests.Http;

/// <summary>
/// Kiota generates a C# client from the document the app serves, offline, as the README tells a user to. The tool is
/// pinned in the repository's tool manifest (.config/dotnet-tools.json) and restored from NuGet like the packages.
/// </summary>
[Trait("Category", TestCategories.Slow)]
public sealed partial class KiotaTests
{
    /// <summary>
    /// The one warning Kiota gives, and why it stays: while a job is unfinished its result URL answers 202 with the job
    /// (as the status URL does), not the result, so the success answers have different schemas. A Kiota client reads
    /// 200's; a 202 is still described for the callers that look at the status.
    /// </summary>
    private const string ResultAnswersTheJobWhileUnfinished =
        "OpenAPI warning: #/paths/~1api~1jobs~1{id}~1result/get - The operation describes multiple response schemas that are divergent.";

    [Fact]
    public async Task Kiota_GeneratesAClientForEveryPath_Offline()
    {
        await using var app = new FunctionApp("UseDevelopmentStorage=true");
        await using var server = await app.ServeAsync();
        using var http = server.CreateClient();
        var json = await http.GetStringAsync(Routes.OpenApiPath);
        var folder = Directory.CreateTempSubdirectory("kiota-");
        try
        {
            var document = Path.Combine(folder.FullName, "openapi.json");
            var output = Path.Combine(folder.FullName, "client");
            await File.WriteAllTextAsync(document, json);

            var restore = await RunAsync("tool", "restore");
            Assert.True(restore.ExitCode == 0, restore.Output);
            var generate = await RunAsync("tool", "run", "kiota", "generate", "--openapi", document, "--output", output, "--language", "CSharp",
                "--class-name", "ComputeClient", "--namespace-name", "Compute.Client", "--log-level", "Warning");

            Assert.True(generate.ExitCode == 0, generate.Output);
            var warnings = Warning().Matches(generate.Output).Select(m => m.Groups["message"].Value.Trim()).ToList();
            Assert.All(warnings, warning => Assert.StartsWith(ResultAnswersTheJobWhileUnfinished, warning));
            Assert.Single(warnings);
            Assert.Contains($"Client base url set to {server.BaseAddress.GetLeftPart(UriPartial.Authority)}", generate.Output);

            var generated = string.Join('\n', Directory.EnumerateFiles(output, "*.cs", SearchOption.AllDirectories).Select(File.ReadAllText));
            foreach (var (path, _) in JsonNode.Parse(json)!["paths"]!.AsObject()) Assert.Contains($"\"{{+baseurl}}{path}", generated);
            Assert.Contains("class JobView", generated);
            Assert.Contains("class PrimesInput", generated);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment =
            {
                // Offline: no look for a newer Kiota on GitHub (the only call it makes outside the machine).
                ["KIOTA_OFFLINE_ENABLED"] = "true",
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                ["DOTNET_NOLOGO"] = "1",
            },
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var error = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} did not finish within 3 minutes.");
        }

        return (process.ExitCode, await output + await error);
    }

    // The console logger's form: "warn: Category[id]" and the message on the next line (likewise fail: and crit:).
    [GeneratedRegex(@"^(warn|fail|crit): [^\n]*\n(?<message>[^\n]*)", RegexOptions.Multiline)]
    private static partial Regex Warning();
}
