namespace Baton.Silo.Tests;

/// <summary>Waiting on conditions, never on the clock: every wait has a timeout that fails the test loudly.</summary>
internal static class Eventually
{
    /// <summary>How long a test waits for an instance to finish.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task WaitUntil(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Eventually.Timeout);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not become true in time.");
            }

            await Task.Delay(20);
        }
    }
}
