using System.Globalization;
using Functions.Jobs;

namespace Functions.Http;

/// <summary>
/// How far a caller has seen a job, as an event stream's <c>id:</c> spells it: the status's letter and, while the job
/// may still change, its chunks done (<c>q0</c>, <c>r37</c>, <c>s</c>). A job only moves forward (a later status, or
/// more chunks done), so a reconnecting stream sends exactly the states that are newer than its Last-Event-ID.
/// <c>x</c> marks a job that does not exist, <c>-</c> one not seen yet.
/// </summary>
public readonly record struct JobEventId(JobStatus? Status, int ChunksDone)
{
    public const string Unseen = "-";

    public static JobEventId Of(JobSnapshot snapshot) =>
        new(snapshot.Job.Status, snapshot.Job.Status.IsFinished() ? 0 : snapshot.ChunksDone);

    /// <summary>The job does not exist (a null status).</summary>
    public static JobEventId Gone => new(null, 0);

    public bool Missing => Status is null;

    /// <summary>The job has finished or does not exist: nothing more will come of it.</summary>
    public bool IsFinal => Missing || Status?.IsFinished() == true;

    /// <summary>Whether this state is news to a caller who has seen <paramref name="seen"/> (null: nothing yet).</summary>
    public bool IsNewerThan(JobEventId? seen) =>
        seen is not { } known || Status.IsAheadOf(ChunksDone, known.Status, known.ChunksDone);

    public override string ToString() => Missing ? "x" : Status switch
    {
        JobStatus.Queued => "q" + ChunksDone.ToString(CultureInfo.InvariantCulture),
        JobStatus.Running => "r" + ChunksDone.ToString(CultureInfo.InvariantCulture),
        JobStatus.Succeeded => "s",
        JobStatus.Failed => "f",
        JobStatus.Canceled => "c",
        _ => Unseen,
    };

    /// <summary>A mark as <see cref="ToString"/> wrote it; null for <see cref="Unseen"/> or anything else.</summary>
    public static JobEventId? Parse(string text)
    {
        if (text == "x") return Gone;
        if (text.Length == 0) return null;
        JobStatus? status = text[0] switch
        {
            'q' => JobStatus.Queued,
            'r' => JobStatus.Running,
            's' => JobStatus.Succeeded,
            'f' => JobStatus.Failed,
            'c' => JobStatus.Canceled,
            _ => null,
        };
        if (status is not { } known) return null;
        if (known.IsFinished()) return text.Length == 1 ? new JobEventId(known, 0) : null;
        return int.TryParse(text.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var done) ? new JobEventId(known, done) : null;
    }

    /// <summary>
    /// The marks of a stream's jobs from its Last-Event-ID (one per job, joined by dots); all unseen when there is none
    /// or it does not fit these jobs.
    /// </summary>
    public static JobEventId?[] ParseAll(string? lastEventId, int jobs)
    {
        var marks = new JobEventId?[jobs];
        var parts = (lastEventId ?? "").Split('.');
        if (parts.Length != jobs) return marks;
        for (var i = 0; i < jobs; i++) marks[i] = Parse(parts[i]);
        return marks;
    }
}
