using System.Text.Json.Nodes;
using Functions.Compute;
using Functions.Health;
using Functions.Jobs.Submit;
using Functions.Jobs.Watch;
using Functions.Jobs;
using Microsoft.AspNetCore.Http;

namespace Functions.Http;

/// <summary>
/// What each HTTP function of the API takes and answers, for the OpenAPI document: its parameters, body, and every
/// status code with its body and headers. Routes, methods and auth levels are not here: <see cref="ApiDocument"/>
/// reads them from the functions' own trigger attributes. The tests check every answer they see against this.
/// </summary>
internal sealed class ApiOperations(ApiSchemas schemas, SubmitOptions submit, WatchOptions watch, IReadOnlyList<KindDescription> kinds)
{
    private const string Json = "application/json";

    public JsonObject Describe(string function) => function switch
    {
        nameof(HelloFunction.Hello) => Operation(
            "Greet", "A greeting as text: a smoke test of the app.",
            [Query("name", "Who to greet (default: world).", new JsonObject { ["type"] = "string", ["maxLength"] = Greeting.MaxNameLength })],
            null,
            Content(StatusCodes.Status200OK, "The greeting, such as 'Hello, Ada!'.", "text/plain", schemas.Named("Greeting", new JsonObject { ["type"] = "string" })),
            Problem(StatusCodes.Status400BadRequest, $"'name' is longer than {Greeting.MaxNameLength} characters.")),

        nameof(HelloFunction.ListKinds) => Operation(
            "List the kinds of job",
            "Each kind with its summary, its input fields (type, limits, default, whether required) and an example input. " +
            "The same descriptions make each kind's input schema in this document (PrimesInput, …).",
            [],
            null,
            Content(StatusCodes.Status200OK, "The kinds, by name.", Json,
                schemas.Named("KindList", new JsonObject { ["type"] = "array", ["items"] = schemas.Ref(typeof(KindDescription)) }))),

        nameof(HelloFunction.OpenApi) => Operation(
            "This document", $"The API's OpenAPI {ApiDocument.OpenApiVersion} document, made from the code that serves it.",
            [],
            null,
            Content(StatusCodes.Status200OK, "The OpenAPI document.", Json,
                schemas.Named("OpenApiDocument", new JsonObject { ["type"] = "object", ["description"] = $"An OpenAPI {ApiDocument.OpenApiVersion} document." }))),

        nameof(HealthFunction.Health) => Operation(
            "Check storage",
            "Whether the app's queue and table answer, with the queue depths; always answers within Health__DeadlineSeconds. " +
            "Use it as the availability probe.",
            [],
            null,
            Content(StatusCodes.Status200OK, "Storage answers.", Json, schemas.Ref(typeof(HealthReport))),
            Problem(StatusCodes.Status503ServiceUnavailable, "Storage did not answer; 'queue' and 'table' say which check failed and why.")),

        nameof(JobsFunction.SubmitJob) => Operation(
            "Submit a job",
            "Stores the job and queues it. The body names a kind and its input (the *JobRequest schemas, or GET /api/kinds). " +
            "With ?wait= the request is held until the job finishes (200) or the wait ends (202). A request sent again with " +
            "the same Idempotency-Key and body answers with the same job, so a submit can be retried safely.",
            [Wait(), Header(JobRequestReader.IdempotencyKeyHeader,
                "Makes the submit safe to retry: the same key with the same body answers with the same job; with another body, 422.",
                new JsonObject { ["type"] = "string", ["minLength"] = 1, ["maxLength"] = JobRequestReader.MaxIdempotencyKeyLength, ["pattern"] = "^[!-~]+$" })],
            new JsonObject
            {
                ["description"] = $"The job: its kind and input, as JSON (at most {submit.MaxBodyBytes} bytes).",
                ["required"] = true,
                ["content"] = new JsonObject { [Json] = new JsonObject { ["schema"] = JobRequest() } },
            },
            JobAnswer(StatusCodes.Status200OK, "The job finished within ?wait=.", Location()),
            JobAnswer(StatusCodes.Status202Accepted, "Accepted: the job is queued. Poll its Location, or wait on it.", Location(), RetryAfter()),
            Problem(StatusCodes.Status400BadRequest,
                "The request is not a valid job; 'field' names what is at fault: body, kind, input, input.<field>, wait or Idempotency-Key. " +
                "An input too large for one stored job is refused with field 'input'. A job expected to take more than " +
                $"Jobs__MaxJobCoreSeconds ({submit.MaxJobCoreSeconds}) core-seconds is refused naming the field that drives its cost " +
                "(see each kind's costField) and the largest value that fits."),
            Problem(StatusCodes.Status413PayloadTooLarge, $"The body is over {submit.MaxBodyBytes} bytes."),
            Problem(StatusCodes.Status415UnsupportedMediaType, "The body is not JSON (Content-Type)."),
            Problem(StatusCodes.Status422UnprocessableEntity, "The Idempotency-Key was used before with another body."),
            Problem(StatusCodes.Status503ServiceUnavailable,
                $"Not accepted, try again after Retry-After: the queue holds Jobs__MaxQueueDepth ({submit.MaxQueueDepth}) messages, the jobs " +
                $"queued and running are expected to take Jobs__MaxQueuedCoreSeconds ({submit.MaxQueuedCoreSeconds}) core-seconds, or storage " +
                "did not answer and no job is kept. Title 'Job may exist': storage did not confirm the submit; 'jobId' and 'statusUrl' " +
                "name the job it may have made, and the same request with the same Idempotency-Key gets it.", RetryAfter())),

        nameof(JobsFunction.EstimateJob) => Operation(
            "Price a job",
            "What the job in the body would cost, without submitting it: the core-seconds it is expected to take and the most " +
            "it can take (from its kind's cost model), the ranges it would fan out to, and the per-job budget. Refused as a submit would be.",
            [],
            new JsonObject
            {
                ["description"] = "The job a submit would take.",
                ["required"] = true,
                ["content"] = new JsonObject { [Json] = new JsonObject { ["schema"] = JobRequest() } },
            },
            Content(StatusCodes.Status200OK, "The job's kind and estimate.", Json, schemas.Ref(typeof(EstimateView))),
            Problem(StatusCodes.Status400BadRequest, "The request is not a valid job, or is over the per-job cap; 'field' names what is at fault."),
            Problem(StatusCodes.Status413PayloadTooLarge, $"The body is over {submit.MaxBodyBytes} bytes."),
            Problem(StatusCodes.Status415UnsupportedMediaType, "The body is not JSON (Content-Type).")),

        nameof(JobsFunction.ListJobs) => Paged(Operation(
            "List jobs",
            "Jobs newest first, a page at a time; follow nextUrl for the next page. Listed jobs leave out their input. " +
            "Finished jobs are purged Jobs__RetentionHours after they finish.",
            [
                Query("status", "Only jobs in this state.", schemas.Ref(typeof(JobStatus))),
                Query("top", "Jobs per page.", new JsonObject
                {
                    ["type"] = "integer", ["format"] = "int32", ["minimum"] = 1, ["maximum"] = JobListQuery.MaxTop, ["default"] = JobListQuery.DefaultTop,
                }),
                Query("continuationToken", "Where the page starts: the continuationToken of the page before.", new JsonObject { ["type"] = "string" }),
            ],
            null,
            Content(StatusCodes.Status200OK, "A page of jobs, with the next page's continuationToken and nextUrl while there are more.", Json, schemas.Ref(typeof(JobList))),
            Problem(StatusCodes.Status400BadRequest, "A query value is not valid; 'field' names it."),
            StorageUnavailable())),

        nameof(JobsFunction.GetJob) => Operation(
            "Get a job",
            "The job as it is now: 202 with Retry-After while it is queued or running (status, progress, chunks done), 200 once it " +
            "has succeeded (with result), failed (with error) or been canceled. With ?wait= the request is held until the job " +
            "finishes or the wait ends.",
            [Id(), Wait()],
            null,
            JobAnswer(StatusCodes.Status200OK, "The job has finished."),
            JobAnswer(StatusCodes.Status202Accepted, "The job is queued or running.", RetryAfter()),
            Problem(StatusCodes.Status400BadRequest, "?wait= is not a whole number of seconds."),
            NotFound(),
            StorageUnavailable()),

        nameof(JobsFunction.GetJobResult) => Operation(
            "Get a job's result",
            "The result alone: the JSON value of the job's result, or the content its kind stores (image/png for mandelbrot).",
            [Id()],
            null,
            Answer(StatusCodes.Status200OK, "The result.", new JsonObject
            {
                [Json] = new JsonObject { ["schema"] = schemas.Named("JobResult", new JsonObject { ["description"] = "The result's JSON value; its shape depends on the kind." }) },
                ["image/png"] = new JsonObject { ["schema"] = schemas.Named("Binary", new JsonObject { ["type"] = "string", ["format"] = "binary" }) },
            }),
            JobAnswer(StatusCodes.Status202Accepted, "The job has not finished: the job as it is now.", RetryAfter()),
            Problem(StatusCodes.Status400BadRequest, "A query value is not valid; 'field' names it."),
            NotFound(),
            Problem(StatusCodes.Status409Conflict, "The job failed or was canceled: it has no result."),
            StorageUnavailable()),

        nameof(JobsFunction.CancelJob) => Operation(
            "Cancel a job",
            "Cancels a queued or running job; a running job stops at its next progress check.",
            [Id()],
            null,
            JobAnswer(StatusCodes.Status200OK, "The job, canceled."),
            Problem(StatusCodes.Status400BadRequest, "A query value is not valid; 'field' names it."),
            NotFound(),
            Problem(StatusCodes.Status409Conflict, "The job had already finished."),
            StorageUnavailable()),

        nameof(JobsFunction.WatchJob) => Operation(
            "Watch a job (Server-Sent Events)",
            $"A text/event-stream of the job: a 'job' event with the job (a JobView as JSON) now and at each change, at most one per " +
            $"{JobEventStream.MinGap.TotalMilliseconds:0} ms, then 'done' with its final view, and the stream ends. Each event's id " +
            $"marks how far the job has been seen; reconnecting with Last-Event-ID sends only what is newer. A stream ends by " +
            $"itself after Jobs__MaxStreamSeconds ({watch.MaxStreamSeconds} s) and an EventSource reconnects; a comment every " +
            $"{JobEventStream.Heartbeat.TotalSeconds:0} s keeps a quiet stream open.",
            [Id(), LastEventId()],
            null,
            EventStream(),
            Answer(StatusCodes.Status204NoContent, "Last-Event-ID says the caller has seen the job finish: nothing more will come.", null),
            Problem(StatusCodes.Status400BadRequest, "A query value is not valid; 'field' names it."),
            NotFound(),
            StorageUnavailable()),

        nameof(JobsFunction.WatchJobs) => Operation(
            "Watch many jobs (Server-Sent Events)",
            $"One text/event-stream for up to {JobEvents.MaxJobs} jobs (a browser opens at most six connections to a host): 'job' " +
            "and 'done' events for each job as for one job, 'missing' ({\"id\": …}) for a job that does not exist, and 'end' once " +
            "every job is over. Each event's id holds the marks of all the jobs, in the order of ids, separated by dots.",
            [
                Query("ids", $"The jobs' ids, separated by commas (at most {JobEvents.MaxJobs}).", new JsonObject { ["type"] = "string" }, required: true),
                LastEventId(),
            ],
            null,
            EventStream(),
            Answer(StatusCodes.Status204NoContent, "Last-Event-ID says the caller has seen every job end: nothing more will come.", null),
            Problem(StatusCodes.Status400BadRequest, $"'ids' is missing, names more than {JobEvents.MaxJobs} jobs, or holds something that is not a job id.")),

        _ => throw new InvalidOperationException($"The HTTP function {function} has no description in {nameof(ApiOperations)}."),
    };

    /// <summary>The submit's body: one of the kinds' job requests, told apart by <c>kind</c>.</summary>
    private JsonObject JobRequest()
    {
        var requests = kinds.OrderBy(k => k.Name, StringComparer.Ordinal).Select(k => (k.Name, Ref: schemas.KindRequest(k))).ToList();
        return schemas.Named("JobRequest", new JsonObject
        {
            ["description"] = "A job: a kind and its input.",
            ["oneOf"] = new JsonArray([.. requests.Select(r => (JsonNode)r.Ref)]),
            ["discriminator"] = new JsonObject
            {
                ["propertyName"] = "kind",
                ["mapping"] = new JsonObject(requests.Select(r => KeyValuePair.Create(r.Name, (JsonNode?)r.Ref["$ref"]!.DeepClone()))),
            },
        });
    }

    /// <summary>Marks a listing as paged the way Kiota and AutoRest read it: the items and the next page's link.</summary>
    private static JsonObject Paged(JsonObject operation)
    {
        var name = JobJson.Options.PropertyNamingPolicy!;
        operation["x-ms-pageable"] = new JsonObject { ["itemName"] = name.ConvertName(nameof(JobList.Jobs)), ["nextLinkName"] = name.ConvertName(nameof(JobList.NextUrl)) };
        return operation;
    }

    private static JsonObject Operation(string summary, string description, JsonArray parameters, JsonObject? body, params (int Status, JsonObject Answer)[] answers)
    {
        var operation = new JsonObject { ["summary"] = summary, ["description"] = description };
        if (parameters.Count > 0) operation["parameters"] = parameters;
        if (body is not null) operation["requestBody"] = body;
        operation["responses"] = new JsonObject(answers.Select(a => KeyValuePair.Create(a.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), (JsonNode?)a.Answer)));
        return operation;
    }

    private static (int, JsonObject) Answer(int status, string description, JsonObject? content, params (string Name, JsonObject Header)[] headers)
    {
        var answer = new JsonObject { ["description"] = description };
        if (headers.Length > 0) answer["headers"] = new JsonObject(headers.Select(h => KeyValuePair.Create(h.Name, (JsonNode?)h.Header)));
        if (content is not null) answer["content"] = content;
        return (status, answer);
    }

    private static (int, JsonObject) Content(int status, string description, string mediaType, JsonObject schema, params (string, JsonObject)[] headers) =>
        Answer(status, description, new JsonObject { [mediaType] = new JsonObject { ["schema"] = schema } }, headers);

    private (int, JsonObject) JobAnswer(int status, string description, params (string, JsonObject)[] headers) =>
        Content(status, description, Json, schemas.Ref(typeof(JobView)), headers);

    private static (int, JsonObject) Problem(int status, string description, params (string, JsonObject)[] headers) =>
        Content(status, description, Problems.ContentType, ApiSchemas.RefTo(ApiSchemas.Problem), headers);

    private static (int, JsonObject) NotFound() =>
        Problem(StatusCodes.Status404NotFound, "No job has this id: unknown, malformed, or purged Jobs__RetentionHours after it finished.");

    private (int, JsonObject) StorageUnavailable() =>
        Problem(StatusCodes.Status503ServiceUnavailable, "Storage did not answer in time; try again after Retry-After.", RetryAfter());

    private (int, JsonObject) EventStream() =>
        Content(StatusCodes.Status200OK, "The stream: events 'job', 'done' (and on a stream of many, 'missing' and 'end'), each with JSON data.",
            EventStreamWriter.ContentType,
            schemas.Named("EventStream", new JsonObject { ["type"] = "string", ["format"] = "binary", ["description"] = "Server-Sent Events (text/event-stream), read as it comes." }));

    private (string, JsonObject) RetryAfter() => ("Retry-After", new JsonObject
    {
        ["description"] = "Seconds to wait before asking again.",
        ["schema"] = new JsonObject { ["type"] = "integer", ["format"] = "int32", ["example"] = watch.RetryAfterSeconds },
    });

    private static (string, JsonObject) Location() => ("Location", new JsonObject
    {
        ["description"] = "The job's URL, relative to the app: /api/jobs/{id}.",
        ["schema"] = new JsonObject { ["type"] = "string" },
    });

    private static JsonObject Id() => new()
    {
        ["name"] = "id",
        ["in"] = "path",
        ["required"] = true,
        ["description"] = "The job's id, as the submit answered it: 32 lowercase hex digits.",
        ["schema"] = new JsonObject { ["type"] = "string" },
    };

    private JsonObject Wait() => Query("wait",
        $"Hold the request up to this many seconds until the job finishes; more than Jobs__MaxWaitSeconds ({watch.MaxWaitSeconds}) counts as that many.",
        new JsonObject { ["type"] = "integer", ["format"] = "int32", ["minimum"] = 0, ["default"] = 0 });

    private static JsonObject LastEventId() => Header(JobEvents.LastEventIdHeader,
        "The id of the last event seen, to resume a stream where it broke off; an EventSource sends it when it reconnects.",
        new JsonObject { ["type"] = "string" });

    private static JsonObject Query(string name, string description, JsonObject schema, bool required = false) => new()
    {
        ["name"] = name,
        ["in"] = "query",
        ["required"] = required,
        ["description"] = description,
        ["schema"] = schema,
    };

    private static JsonObject Header(string name, string description, JsonObject schema) => new()
    {
        ["name"] = name,
        ["in"] = "header",
        ["description"] = description,
        ["schema"] = schema,
    };
}
