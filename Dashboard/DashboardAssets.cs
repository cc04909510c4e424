using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace Functions.Dashboard;

/// <summary>
/// The dashboard's files, embedded in the app's assembly: each served with its content type, a strong ETag (the browser
/// revalidates and gets 304 until a deploy changes the file) and a Content-Security-Policy that lets the page load and
/// call nothing but its own origin.
/// </summary>
public sealed class DashboardAssets
{
    public const string IndexFile = "index.html";

    /// <summary>Only the app's own origin: no inline script or style, no other host, no framing, no plugins.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private const string ResourcePrefix = "dashboard/";

    private readonly FrozenDictionary<string, Asset> _files;

    public DashboardAssets()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var types = new FileExtensionContentTypeProvider();
        _files = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .ToFrozenDictionary(name => name[ResourcePrefix.Length..], name => Load(assembly, name, types), StringComparer.Ordinal);
    }

    public IReadOnlyCollection<string> Files => _files.Keys;

    /// <summary>The file <paramref name="file"/> (the page for none); 304 when the caller has it, 404 for no such file.</summary>
    public IResult Serve(HttpRequest request, string? file)
    {
        if (!_files.TryGetValue(string.IsNullOrEmpty(file) ? IndexFile : file, out var asset))
            return Results.Text("Not found", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
        var notModified = request.GetTypedHeaders().IfNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(asset.ETag, useStrongComparison: false));
        return new AssetResult(asset, notModified);
    }

    private static Asset Load(Assembly assembly, string name, FileExtensionContentTypeProvider types)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var bytes = copy.ToArray();
        var type = types.TryGetContentType(name, out var known) ? known : "application/octet-stream";
        if (type.StartsWith("text/", StringComparison.Ordinal) || type == "image/svg+xml") type += "; charset=utf-8";
        var hash = Convert.ToBase64String(SHA256.HashData(bytes).AsSpan(0, 16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return new Asset(bytes, type, new EntityTagHeaderValue($"\"{hash}\""));
    }

    private sealed record Asset(byte[] Content, string ContentType, EntityTagHeaderValue ETag);

    private sealed class AssetResult(Asset asset, bool notModified) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            var headers = context.Response.Headers;
            headers.ETag = asset.ETag.ToString();
            // Revalidate every time: a 304 costs one small request, and a new deploy shows at once.
            headers.CacheControl = "no-cache";
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            // The event stream carries the function key in its URL in Azure; no other site should see it.
            headers["Referrer-Policy"] = "no-referrer";
            if (notModified)
            {
                context.Response.StatusCode = StatusCodes.Status304NotModified;
                return Task.CompletedTask;
            }

            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = asset.ContentType;
            context.Response.ContentLength = asset.Content.Length;
            return context.Response.Body.WriteAsync(asset.Content).AsTask();
        }
    }
}
