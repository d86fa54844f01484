using System.ComponentModel.DataAnnotations;

namespace Baton.Samples.Monitor;

/// <summary>What to watch, where to report, and where the watch is: each continue-as-new run carries it forward.</summary>
public sealed record MonitorRequest
{
    /// <summary>The job's status URL: a GET answers the status as text; <c>done</c> or <c>failed</c> ends the watch.</summary>
    [Required, Url]
    public string JobUrl { get; init; } = "";

    /// <summary>Where each change is POSTed, as JSON <see cref="StatusChange"/>.</summary>
    [Required, Url]
    public string WebhookUrl { get; init; } = "";

    /// <summary>The last status reported; null before the first.</summary>
    public string? LastStatus { get; init; }

    /// <summary>Changes reported so far, over every run.</summary>
    [Range(0, int.MaxValue)]
    public int Iteration { get; init; }

    /// <summary>Changes one run reports before it continues as new, which keeps its history bounded. Default: 100.</summary>
    [Range(1, 1000)]
    public int IterationsPerRun { get; init; } = 100;

    /// <summary>The first wait between checks of an unchanged status; it grows by half each check up to <see cref="MaxPollInterval"/>.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between checks. Default: 5 minutes.</summary>
    public TimeSpan MaxPollInterval { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>One change of the job's status, as the webhook receives it.</summary>
/// <param name="JobUrl">The job.</param>
/// <param name="From">The status before; null for the first report.</param>
/// <param name="To">The status now.</param>
/// <param name="Iteration">Which change this is (1, 2, …), so that a receiver can drop a repeated delivery.</param>
public sealed record StatusChange(string JobUrl, string? From, string To, int Iteration);

/// <summary>How the watch ended.</summary>
/// <param name="FinalStatus">The job's last status.</param>
/// <param name="Iterations">The changes reported.</param>
public sealed record MonitorResult(string FinalStatus, int Iterations);
