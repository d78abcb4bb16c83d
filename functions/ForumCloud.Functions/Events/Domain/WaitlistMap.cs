using System.Numerics;

namespace ForumCloud.Functions.Events;

/// <summary>
/// Which waitlist numbers are still waiting, as a bitmap kept on the seat ledger: bit i is number
/// <c>From + i</c>. Every change of the waitlist (join, cancel, promotion) already rewrites the ledger in
/// its transaction, so the map stays exact at no extra round trip, and a position is one point read of a
/// bounded entity (at most <see cref="MaxSpan"/> bits, a binary property's 64 KiB) instead of a query over
/// the waitlist. Zero bytes at the front are dropped as the head of the waitlist moves on.
/// </summary>
public sealed class WaitlistMap
{
    /// <summary>Numbers from the first still waiting to the newest: 62 KiB of bits, under the 64 KiB property limit.</summary>
    public const long MaxSpan = 62 * 1024 * 8;

    private long _from;
    private byte[] _bits;

    private WaitlistMap(long from, byte[] bits)
    {
        _from = from;
        _bits = bits;
    }

    public static WaitlistMap Of(SeatLedgerRow ledger) => new(ledger.WaitingFrom, ledger.Waiting ?? []);

    public bool CanAdd(long number) => number - (_bits.Length == 0 ? number : _from) < MaxSpan;

    public void Add(long number)
    {
        if (_bits.Length == 0) _from = number - number % 8;
        if (!CanAdd(number)) throw new InvalidOperationException("The waitlist map is full.");
        var index = number - _from;
        if (index < 0) throw new InvalidOperationException($"Waitlist number {number} is below the map's start {_from}.");
        if (index / 8 >= _bits.Length) Array.Resize(ref _bits, (int)(index / 8) + 1);
        _bits[index / 8] |= (byte)(1 << (int)(index % 8));
    }

    public void Remove(long number)
    {
        var index = number - _from;
        if (index < 0 || index / 8 >= _bits.Length) return;
        _bits[index / 8] &= (byte)~(1 << (int)(index % 8));
    }

    /// <summary>1 + the numbers still waiting below this one.</summary>
    public int PositionOf(long number)
    {
        var index = Math.Clamp(number - _from, 0, (long)_bits.Length * 8);
        var ahead = 0;
        for (var i = 0; i < index / 8; i++) ahead += BitOperations.PopCount(_bits[i]);
        if (index % 8 != 0) ahead += BitOperations.PopCount((uint)(_bits[index / 8] & ((1 << (int)(index % 8)) - 1)));
        return ahead + 1;
    }

    /// <summary>Writes the map back to the ledger, without the bytes in front of the first waiting number.</summary>
    public void WriteTo(SeatLedgerRow ledger)
    {
        var skip = 0;
        while (skip < _bits.Length && _bits[skip] == 0) skip++;
        var end = _bits.Length;
        while (end > skip && _bits[end - 1] == 0) end--;
        ledger.WaitingFrom = end == skip ? 0 : _from + skip * 8L;
        ledger.Waiting = end == skip ? null : _bits[skip..end];
    }
}
