namespace Baton.Grains.Tests;

/// <summary>The ids Baton makes for new instances.</summary>
public sealed class InstanceIdsTests
{
    [Fact]
    public void NewIds_AreValidVersion7Uuids_ThatSortByTheMillisecondTheyWereMade()
    {
        var first = InstanceIds.New();
        var made = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.True(SpinWait.SpinUntil(() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() > made + 1, TimeSpan.FromSeconds(5)));
        var second = InstanceIds.New();

        InstanceIds.Validate(first);
        Assert.Matches("^[0-9a-f]{32}$", first);
        Assert.Equal(7, Guid.ParseExact(first, "N").Version);
        Assert.True(string.CompareOrdinal(first, second) < 0, $"{first} was made before {second} but sorts after it");
    }
}
