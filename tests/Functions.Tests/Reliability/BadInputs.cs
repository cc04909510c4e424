using System.Text;
using CsCheck;
using Functions.Compute.Primes;
using Functions.Http;
using Functions.Storage;

namespace Functions.Tests.Reliability;

/// <summary>What a fuzzed request must get: a 2xx, a 4xx problem, or either (when the generator cannot know).</summary>
public enum Expected
{
    Success,
    Problem,
    Either,
}

/// <summary>One generated HTTP request, labelled with the shape it was built from and the answer it must get.</summary>
public sealed record FuzzRequest(string Shape, string Method, string PathAndQuery, byte[]? Body, string? ContentType, KeyValuePair<string, string>[] Headers, Expected Expected)
{
    public override string ToString() =>
        $"{Shape}: {Method} {PathAndQuery} [{ContentType ?? "no content type"}] {(Body is null ? "" : Encoding.UTF8.GetString(Body[..Math.Min(Body.Length, 300)]))} " +
        $"{string.Join(' ', Headers.Select(h => $"{h.Key}: {h.Value}"))} -> {Expected}";
}

/// <summary>
/// Generators of requests and queue messages, mostly malformed. Each request is built from parts whose validity is
/// known by construction, so its expected answer needs no second implementation of the app's validation.
/// </summary>
public static class BadInputs
{
    // The characters of {"limit":1,"pad":""} around the padding.
    private const int PadFraming = 20;

    private const string Printable = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

    /// <summary>Text as it appears inside a JSON string: plain, escaped, control and non-BMP characters, and escaped lone surrogates.</summary>
    private static readonly Gen<string> JsonStringContent = Gen.OneOf(
            Gen.Char[Printable.Replace("\"", "").Replace("\\", "")].Select(c => c.ToString()),
            Gen.OneOf("\\n", "\\\"", "\\\\", "\\/", "\\u0000", "\\u001f", "\\ud800", "\\udc00", "\\udbff\\udfff", "\\uFFFF", "é", "€", "😀", "\u200b", "\\x", "\\u12"))
        .Array[0, 12].Select(parts => string.Concat(parts));

    private static readonly Gen<string> JsonString = JsonStringContent.Select(s => $"\"{s}\"");

    private static readonly Gen<string> JsonNumber = Gen.OneOf(
        Gen.Long.Select(n => n.ToString()),
        Gen.Int[-1000, 1000].Select(n => n.ToString()),
        Gen.Double.Where(double.IsFinite).Select(d => d.ToString("R")),
        Gen.OneOf("1e400", "-1e400", "-0", "0.0", "1E+2", "1.5", "9223372036854775808", "-9223372036854775809", "10000000000001", "1e13", "0e0"));

    private static readonly Gen<string> JsonScalar = Gen.Frequency(
        (3, JsonString),
        (3, JsonNumber),
        (1, Gen.OneOf("true", "false", "null")));

    /// <summary>Text that is not JSON, though it may look like it.</summary>
    private static readonly Gen<string> NotJson = Gen.OneOf(
        Gen.OneOf("", " ", "{", "}", "[", "{\"kind\":", "{'kind':'x'}", "NaN", "Infinity", "01", "+1", ".5", "1.", "tru", "nul", "{\"a\":1,}", "[1,]", "{\"a\" 1}", "\"unterminated", "//c\n{}", "/*c*/{}", "{}{}", "{} x"),
        Gen.Char[Printable].Array[1, 40].Select(chars => "#" + new string(chars)));

    private static Gen<string> JsonValue(int depth) => depth == 0
        ? JsonScalar
        : Gen.Frequency(
            (4, JsonScalar),
            (1, JsonValue(depth - 1).Array[0, 4].Select(items => $"[{string.Join(',', items)}]")),
            (1, Gen.Select(Gen.OneOf(JsonString, Gen.OneOf("\"kind\"", "\"input\"", "\"limit\"", "\"\"")), JsonValue(depth - 1)).Array[0, 4]
                .Select(members => "{" + string.Join(',', members.Select(m => $"{m.Item1}:{m.Item2}")) + "}")));

    private static readonly Gen<string> AnyJson = JsonValue(3);

    private static readonly Gen<string> NonStringJson = AnyJson.Where(v => !v.StartsWith('"'));

    private static readonly Gen<string> NonObjectJson = AnyJson.Where(v => !v.StartsWith('{'));

    private static readonly Gen<long> ValidLimit = Gen.Frequency((3, Gen.Long[0, 1_000_000]), (1, Gen.Long[0, PrimesKind.MaxLimit]), (1, Gen.OneOf(0L, PrimesKind.MaxLimit)));

    private static readonly Gen<string> InvalidLimit = Gen.OneOf(
        Gen.Long[long.MinValue, -1].Select(n => n.ToString()),
        Gen.Long[PrimesKind.MaxLimit + 1, long.MaxValue].Select(n => n.ToString()),
        Gen.Double.Where(d => double.IsFinite(d) && d != Math.Floor(d)).Select(d => d.ToString("R")),
        JsonString,
        Gen.OneOf("true", "false", "[]", "{}", "[1]", "1e400", "9223372036854775808", "1.5"));

    private static string Job(string kind, string input) => $"{{\"kind\":{kind},\"input\":{input}}}";

    private static readonly Gen<(string Shape, string Body, Expected Expected)> Body = Gen.Frequency(
        (2, ValidLimit.Select(limit => ("valid job", Job("\"primes\"", $"{{\"limit\":{limit}}}"), Expected.Success))),
        (1, ValidLimit.Select(limit => ("valid job, spaced and reordered", $" {{ \"input\" : {{ \"limit\" : {limit} }} ,\n\t\"kind\" : \"primes\" }} ", Expected.Success))),
        (3, NotJson.Select(text => ("not JSON", text, Expected.Problem))),
        (3, NonObjectJson.Select(json => ("JSON but not an object", json, Expected.Problem))),
        (3, Gen.Byte.Array[0, 300].Select(bytes => ("random bytes", Encoding.Latin1.GetString(bytes), Expected.Either))),
        (3, AnyJson.Select(json => ("random JSON", json, Expected.Either))),
        (2, ValidLimit.Select(limit => ("no kind", $"{{\"input\":{{\"limit\":{limit}}}}}", Expected.Problem))),
        (3, NonStringJson.Select(kind => ("kind not a string", Job(kind, "{\"limit\":10}"), Expected.Problem))),
        (3, JsonStringContent.Where(k => k is not ("primes" or "sequence") && !k.Contains('\\')).Select(k => ("unknown kind", Job($"\"{k}\"", "{\"limit\":10}"), Expected.Problem))),
        (2, JsonStringContent.Where(k => k.Contains("\\ud")).Select(k => ("kind with escaped surrogates", Job($"\"{k}\"", "{\"limit\":10}"), Expected.Problem))),
        (2, Gen.Const(("no input", "{\"kind\":\"primes\"}", Expected.Problem))),
        (3, NonObjectJson.Select(input => ("input not an object", Job("\"primes\"", input), Expected.Problem))),
        (2, AnyJson.Select(value => ("input without limit", Job("\"primes\"", $"{{\"other\":{value}}}"), Expected.Problem))),
        (2, Gen.Select(JsonString, AnyJson).Select(extra => ("input with an odd extra field", Job("\"primes\"", $"{{{extra.Item1}:{extra.Item2},\"limit\":10}}"), Expected.Either))),
        (4, InvalidLimit.Select(limit => ("invalid limit", Job("\"primes\"", $"{{\"limit\":{limit}}}"), Expected.Problem))),
        // Inputs in range whose price may be over the per-job cap: accepted or refused, never unbounded.
        (2, Gen.Select(Gen.Int[1, 8192], Gen.Int[1, 8192], Gen.Int[1, 100_000]).Select(m => ("mandelbrot of any size",
            Job("\"mandelbrot\"", $"{{\"width\":{m.Item1},\"height\":{m.Item2},\"maxIterations\":{m.Item3}}}"), Expected.Either))),
        (2, Gen.Int[1, 32].Select(d => ("hashsearch of any difficulty", Job("\"hashsearch\"", $"{{\"prefix\":\"fuzz\",\"difficulty\":{d}}}"), Expected.Either))),
        (3, Gen.Select(JsonString.Where(k => k is not ("\"kind\"" or "\"input\"") && !k.Contains('\\')), AnyJson)
            .Select(extra => ("unknown top-level field", $"{{\"kind\":\"primes\",\"input\":{{\"limit\":10}},{extra.Item1}:{extra.Item2}}}", Expected.Problem))),
        (2, Gen.Select(ValidLimit, Gen.Int[0, 1000]).Select(t => ("truncated valid job", Truncate(Job("\"primes\"", $"{{\"limit\":{t.Item1}}}"), t.Item2), Expected.Problem))),
        (2, Gen.Int[65, 2000].Select(depth => ("nested too deep", Job("\"primes\"", $"{{\"limit\":1,\"x\":{new string('[', depth)}{new string(']', depth)}}}"), Expected.Problem))),
        (1, Gen.Int[TableLimits.MaxStringLength - PadFraming + 1, 60_000].Select(size => ("input too long to store", Job("\"primes\"", $"{{\"limit\":1,\"pad\":\"{new string('x', size)}\"}}"), Expected.Problem))),
        (1, Gen.Int[65_537, 200_000].Select(size => ("over 64 KiB", Job("\"primes\"", $"{{\"limit\":1,\"pad\":\"{new string('x', size)}\"}}"), Expected.Problem))),
        (1, Gen.Const(("duplicate kind", "{\"kind\":\"primes\",\"kind\":\"primes\",\"input\":{\"limit\":1}}", Expected.Either))));

    private static string Truncate(string text, int at) => text[..(at % text.Length)];

    // Mostly valid, since a refused content type or wait is answered before the body is read.
    private static readonly Gen<(string? ContentType, Expected Expected)> ContentType = Gen.Frequency(
        (16, Gen.OneOf<(string?, Expected)>(
            (null, Expected.Success), ("application/json", Expected.Success), ("application/json; charset=utf-8", Expected.Success), ("APPLICATION/JSON", Expected.Success),
            ("application/problem+json", Expected.Success), ("application/vnd.example+json", Expected.Success), (" application/json ; x=y", Expected.Success))),
        (3, Gen.OneOf<(string?, Expected)>(
            ("text/plain", Expected.Problem), ("application/xml", Expected.Problem), ("application/x-www-form-urlencoded", Expected.Problem), ("multipart/form-data; boundary=x", Expected.Problem),
            ("application/jsonp", Expected.Problem), ("json", Expected.Problem), ("*/*", Expected.Problem), ("application/*", Expected.Problem), ("application/json+", Expected.Problem), (";application/json", Expected.Problem))),
        (1, Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789/;=. -"].Array[0, 30].Select(chars => ((string?)("x-" + new string(chars)), Expected.Problem))));

    /// <summary>A <c>wait</c> query (with Jobs:MaxWaitSeconds 0, so a valid wait never holds the request).</summary>
    private static readonly Gen<(string Query, Expected Expected)> Wait = Gen.Frequency(
        (12, Gen.Const(("", Expected.Success))),
        (3, Gen.Int[0, int.MaxValue].Select(s => ($"wait={s}", Expected.Success))),
        (3, Gen.OneOf("wait=-1", "wait=1.5", "wait=abc", "wait=", "wait", "wait=1e3", "wait=%201", "wait=%2B1", "wait=0x10", "wait=99999999999", "wait=1&wait=2", "wait=%EF%BC%91")
            .Select(q => (q, Expected.Problem))));

    private static readonly Gen<KeyValuePair<string, string>[]> Headers = Gen.Select(
            Gen.OneOf("Accept", "Accept-Encoding", "Accept-Language", "X-Request-Id", "User-Agent", "If-None-Match", "Prefer", "Content-Encoding", "Cookie"),
            Gen.Char[Printable].Array[0, 60].Select(chars => new string(chars)))
        .Select(h => new KeyValuePair<string, string>(h.Item1, h.Item2))
        .Array[0, 3];

    private static Expected Both(Expected a, Expected b) =>
        a == Expected.Problem || b == Expected.Problem ? Expected.Problem : a == Expected.Either || b == Expected.Either ? Expected.Either : Expected.Success;

    private static readonly Gen<string> UnknownId = Gen.Byte.Array[16].Select(Convert.ToHexStringLower);

    private static readonly Gen<string> MalformedId = Gen.OneOf(
        Gen.Char[Printable.Replace("/", "").Replace("?", "").Replace("#", "")].Array[1, 80].Select(chars => new string(chars))
            .Where(id => id.Trim().Length > 0 && !id.Contains("%00")), // Kestrel refuses an encoded NUL in a path before any function runs.
        Gen.Byte.Array[16].Select(Convert.ToHexString),
        Gen.Byte.Array[16].Select(b => Convert.ToHexStringLower(b)[1..]),
        Gen.Byte.Array[17].Select(b => Convert.ToHexStringLower(b)[..33]),
        Gen.OneOf("%27%20or%201%3D1", "..", "%2e%2e", "null", "undefined", "0", "-1", "😀", "ｊｏｂ"));

    /// <summary>
    /// An <c>Idempotency-Key</c>: usually none; a fresh valid key (changes nothing); a malformed one (400); or one of
    /// a few shared keys, whose reuse with another body is refused (422) and with the same body returns the first job.
    /// </summary>
    private static readonly Gen<(KeyValuePair<string, string>[] Headers, Expected Expected)> IdempotencyKey = Gen.Frequency(
        (12, Gen.Const<(KeyValuePair<string, string>[], Expected)>(([], Expected.Success))),
        // At least 8 characters, so two fresh keys in a run never meet (which would rightly answer 422).
        (2, Gen.Char['!', '~'].Array[8, 255].Select(chars => (Key(new string(chars)), Expected.Success))),
        (2, Gen.OneOf("", " ", "key with spaces", "tab	key", "ключ", "key", new string('k', 256)).Select(key => (Key(key), Expected.Problem))),
        (1, Gen.Const<(KeyValuePair<string, string>[], Expected)>(([.. Key("a"), .. Key("b")], Expected.Problem))),
        (2, Gen.OneOf("fuzz-shared-1", "fuzz-shared-2", "fuzz-shared-3").Select(key => (Key(key), Expected.Either))));

    private static KeyValuePair<string, string>[] Key(string key) => [new("Idempotency-Key", key)];

    /// <summary>A <c>GET /api/jobs</c> query: status, top and continuation token, each valid, invalid or repeated.</summary>
    private static readonly Gen<(string Query, Expected Expected)> ListQuery =
        from status in Gen.Frequency(
            (3, Gen.Const(("", Expected.Success))),
            (3, Gen.OneOf("queued", "running", "succeeded", "failed", "canceled", "Succeeded", "CANCELED").Select(v => ($"status={v}", Expected.Success))),
            (2, Gen.OneOf("done", "", "1", "queued,running", "status", "%00", "succeeded&status=failed").Select(v => ($"status={v}", Expected.Problem))))
        from top in Gen.Frequency(
            (3, Gen.Const(("", Expected.Success))),
            (2, Gen.Int[1, 100].Select(v => ($"top={v}", Expected.Success))),
            (2, Gen.OneOf("0", "101", "-1", "1.5", "x", "", "99999999999", "%2B5").Select(v => ($"top={v}", Expected.Problem))))
        from continuation in Gen.Frequency(
            (4, Gen.Const(("", Expected.Success))),
            (1, Gen.Select(Gen.Long[0, long.MaxValue], UnknownId).Select(t => ($"continuationToken={t.Item1:D19}-{t.Item2}", Expected.Success))),
            (2, MalformedId.Select(v => ($"continuationToken={Uri.EscapeDataString(v)}", Expected.Problem))))
        let parts = new[] { status, top, continuation }.Where(p => p.Item1.Length > 0).ToList()
        select (string.Join('&', parts.Select(p => p.Item1)), parts.Aggregate(Expected.Success, (e, p) => Both(e, p.Item2)));

    /// <summary>Every kind of request the app serves, mostly malformed. <paramref name="queuedId"/> names a queued job, <paramref name="finishedId"/> a succeeded one.</summary>
    public static Gen<FuzzRequest> Requests(string queuedId, string finishedId)
    {
        var submit =
            from body in Body
            from type in ContentType
            from wait in Wait
            from key in IdempotencyKey
            from headers in Headers
            select new FuzzRequest("submit: " + body.Shape, "POST", Routes.JobsPath + (wait.Query.Length == 0 ? "" : "?" + wait.Query), Encoding.UTF8.GetBytes(body.Body), type.ContentType,
                [.. key.Headers, .. headers], Both(body.Expected, Both(type.Expected, Both(wait.Expected, key.Expected))));
        var submitBytes =
            from bytes in Gen.Byte.Array[0, 300]
            from type in ContentType
            select new FuzzRequest("submit: invalid UTF-8", "POST", Routes.JobsPath, [(byte)'{', 0xC3, 0x28, .. bytes], type.ContentType, [], Expected.Problem);

        var id = Gen.Frequency(
            (2, Gen.Const((Shape: "queued job", Id: queuedId))),
            (2, Gen.Const((Shape: "succeeded job", Id: finishedId))),
            (4, UnknownId.Select(i => (Shape: "unknown id", Id: i))),
            (6, MalformedId.Select(i => (Shape: "malformed id", Id: i))));
        var get =
            from target in id
            from wait in Wait
            from headers in Headers
            select new FuzzRequest("status of " + target.Shape, "GET", Routes.JobPath(target.Id) + (wait.Query.Length == 0 ? "" : "?" + wait.Query), null, null, headers,
                Both(target.Shape.EndsWith("job") ? Expected.Success : Expected.Problem, wait.Expected));
        var result =
            from target in id
            select new FuzzRequest("result of " + target.Shape, "GET", Routes.JobResultPath(target.Id), null, null, [],
                target.Shape switch { "succeeded job" => Expected.Success, "queued job" => Expected.Either, _ => Expected.Problem });
        var cancel =
            from target in id
            select new FuzzRequest("cancel of " + target.Shape, "DELETE", Routes.JobPath(target.Id), null, null, [],
                target.Shape switch { "queued job" => Expected.Success, _ => Expected.Problem });

        var hello =
            from name in Gen.Char['\u0020', '\ud7ff'].Array[0, 150].Select(chars => new string(chars))
            select new FuzzRequest("hello", "GET", Routes.HelloPath + "?name=" + Uri.EscapeDataString(name), null, null, [], name.Length <= 100 ? Expected.Success : Expected.Problem);
        var rawQuery =
            from query in Gen.Char[Printable.Replace("#", "")].Array[0, 60].Select(chars => new string(chars))
            from path in Gen.OneOf(Routes.HelloPath, Routes.KindsPath, Routes.HealthPath, Routes.JobsPath)
            select new FuzzRequest("raw query", "GET", path + "?" + query, null, null, [], path == Routes.KindsPath || path == Routes.HealthPath ? Expected.Success : Expected.Either);
        var list =
            from query in ListQuery
            select new FuzzRequest("list", "GET", Routes.JobsPath + "?" + query.Query, null, null, [], query.Expected);

        return Gen.Frequency((10, submit), (1, submitBytes), (4, get), (2, result), (2, cancel), (1, hello), (1, rawQuery), (1, list));
    }

    /// <summary>Queue messages as they would sit on the queue: base64 of garbage, of near-miss job messages, or not base64 at all.</summary>
    public static Gen<string> QueueMessages(string jobId)
    {
        var idValue = Gen.OneOf(
            Gen.Const($"\"{jobId}\""),
            UnknownId.Select(i => $"\"{i}\""),
            MalformedId.Select(i => $"\"{i.Replace("\\", "").Replace("\"", "")}\""),
            NonStringJson);
        var rangeValue = Gen.OneOf(
            Gen.OneOf("-1", "0", "1", "2", "3", "1000", "2147483647", "2147483648", "-2147483649", "1.5", "1e3", "\"1\"", "\"x\"", "true", "[]", "{}", "null"),
            AnyJson);
        var nearMiss =
            from key in Gen.OneOf("jobId", "JobId", "JOBID", "job_id", "id", "")
            from id in idValue
            from range in rangeValue
            from shape in Gen.Int[0, 3]
            select shape switch
            {
                0 => $"{{\"{key}\":{id}}}",
                1 => $"{{\"{key}\":{id},\"range\":{range}}}",
                2 => $"{{\"range\":{range},\"{key}\":{id},\"{key}\":{id}}}",
                _ => $"{{\"{key}\":{id},\"range\":{range},\"extra\":{range}}}",
            };
        var decoded = Gen.Frequency(
            (4, nearMiss),
            (2, AnyJson),
            (1, NotJson),
            (1, Gen.Int[65, 3000].Select(depth => $"{{\"jobId\":\"{jobId}\",\"range\":{new string('[', depth)}{new string(']', depth)}}}")));
        return Gen.Frequency(
            (6, decoded.Select(text => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)))),
            (2, Gen.Byte.Array[0, 200].Select(Convert.ToBase64String)),
            (1, Gen.Char[Printable].Array[1, 100].Select(chars => "%" + new string(chars))));
    }
}
