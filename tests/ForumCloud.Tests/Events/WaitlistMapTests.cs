using ForumCloud.Functions.Events;

namespace ForumCloud.Tests.Events;

/// <summary>The waitlist bitmap on the seat ledger: positions exact after joins, cancellations and promotions, and it stays small.</summary>
public sealed class WaitlistMapTests
{
    [Fact]
    public void Positions_count_only_the_numbers_still_waiting_ahead()
    {
        var ledger = new SeatLedgerRow();
        var map = WaitlistMap.Of(ledger);
        for (long n = 1; n <= 20; n++) map.Add(n);
        map.Remove(3);  // cancelled while waiting
        map.Remove(1);  // promoted
        map.Remove(2);  // promoted
        map.WriteTo(ledger);

        var read = WaitlistMap.Of(ledger);
        Assert.Equal(1, read.PositionOf(4));
        Assert.Equal(2, read.PositionOf(5));
        Assert.Equal(17, read.PositionOf(20));
    }

    [Fact]
    public void The_map_drops_its_head_as_the_waitlist_moves_on_and_empties_to_nothing()
    {
        var ledger = new SeatLedgerRow();
        var map = WaitlistMap.Of(ledger);
        for (long n = 1; n <= 10_000; n++) map.Add(n);
        for (long n = 1; n <= 9_990; n++) map.Remove(n);
        map.WriteTo(ledger);
        Assert.True(ledger.Waiting!.Length <= 3, $"{ledger.Waiting.Length} bytes left for 10 waiting");
        Assert.Equal(5, WaitlistMap.Of(ledger).PositionOf(9_995));

        var again = WaitlistMap.Of(ledger);
        for (long n = 9_991; n <= 10_000; n++) again.Remove(n);
        again.WriteTo(ledger);
        Assert.Null(ledger.Waiting);

        var fresh = WaitlistMap.Of(ledger);
        fresh.Add(10_001);
        fresh.WriteTo(ledger);
        Assert.Equal(1, WaitlistMap.Of(ledger).PositionOf(10_001));
    }

    [Fact]
    public void A_span_beyond_the_property_limit_is_refused()
    {
        var map = WaitlistMap.Of(new SeatLedgerRow());
        map.Add(1);
        Assert.True(map.CanAdd(WaitlistMap.MaxSpan - 8));
        Assert.False(map.CanAdd(WaitlistMap.MaxSpan + 8));
    }
}
