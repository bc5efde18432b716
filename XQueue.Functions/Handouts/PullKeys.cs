using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using XQueue.Functions.Auth;
using XQueue.Functions.Submissions;

namespace XQueue.Functions.Handouts;

/// <summary>
/// The key a grader gets with a submission: the <see cref="PullKey"/> sealed with AES-GCM under a key derived from
/// the service's session key, as an opaque URL-safe string (about 185 characters, where the original's was 32 hex:
/// graders echo it and never read it). Only the service can make or read one, and a forged or altered key does not
/// open. A receipt changes every time the message is handed out, so a key dies by itself when its lease runs out and
/// the submission goes to the next grader; the key also seals the ETag of the hold's row as the pull wrote it, and
/// put_result's write into that row, made only while the row is as the pull left it, is the check
/// that the grader still holds it. The nonce is derived from the sealed facts, so the same pull always has the same
/// key (the dashboard shows it without storing it), and two pulls never share a nonce (their receipts differ).
/// </summary>
public sealed class PullKeys(SessionKeys keys)
{
    const byte Version = 2;
    const int NonceBytes = 12;
    const int TagBytes = 16;
    const int MaxShownBytes = 200; // a grader's user name or address, shown only, is cut to this
    const int MaxKeyChars = 2048;
    // A text field starts with its length in two bytes; these two values mark an absent field and a GUID's 16 bytes.
    const ushort Absent = ushort.MaxValue;
    const ushort GuidText = ushort.MaxValue - 1;
    const ushort ETagTicks = ushort.MaxValue - 2;

    static readonly byte[] EncryptionPurpose = "xqueue pull key v2 encryption"u8.ToArray();
    static readonly byte[] NoncePurpose = "xqueue pull key v2 nonce"u8.ToArray();

    public string For(PullKey key) => Seal(keys.Current, key);

    /// <summary>Whether <paramref name="given"/> is the key an entity recorded (compared in constant time).</summary>
    public static bool Matches(string? expected, string given) =>
        !string.IsNullOrEmpty(expected) &&
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(given));

    public string For(Hold hold, string queue) => For(PullKey.Of(hold, queue));

    /// <summary>The key's facts, tried under every session key still accepted (a rotation does not cut running leases); null when it is no key of this service.</summary>
    public PullKey? Open(string given)
    {
        byte[] sealedBytes;
        try
        {
            sealedBytes = given.Length is > 0 and <= MaxKeyChars ? Base64Url.DecodeFromChars(given) : [];
        }
        catch (FormatException)
        {
            return null;
        }
        if (sealedBytes.Length < 1 + NonceBytes + TagBytes || sealedBytes[0] != Version) return null;
        foreach (var sessionKey in keys.Accepted)
        {
            if (TryOpen(sessionKey, sealedBytes) is { } key) return key;
        }
        return null;
    }

    static string Seal(byte[] sessionKey, PullKey key)
    {
        var plain = Encode(key);
        var nonce = HMACSHA256.HashData(HMACSHA256.HashData(sessionKey, NoncePurpose), plain).AsSpan(0, NonceBytes);
        var output = new byte[1 + NonceBytes + plain.Length + TagBytes];
        output[0] = Version;
        nonce.CopyTo(output.AsSpan(1));
        using var aes = new AesGcm(HMACSHA256.HashData(sessionKey, EncryptionPurpose), TagBytes);
        aes.Encrypt(nonce, plain, output.AsSpan(1 + NonceBytes, plain.Length), output.AsSpan(1 + NonceBytes + plain.Length), [Version]);
        return Base64Url.EncodeToString(output);
    }

    static PullKey? TryOpen(byte[] sessionKey, byte[] sealedBytes)
    {
        var cipherLength = sealedBytes.Length - 1 - NonceBytes - TagBytes;
        var plain = new byte[cipherLength];
        using var aes = new AesGcm(HMACSHA256.HashData(sessionKey, EncryptionPurpose), TagBytes);
        try
        {
            aes.Decrypt(sealedBytes.AsSpan(1, NonceBytes), sealedBytes.AsSpan(1 + NonceBytes, cipherLength), sealedBytes.AsSpan(1 + NonceBytes + cipherLength), plain, [Version]);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
        return Decode(plain);
    }

    static byte[] Encode(PullKey key)
    {
        using var buffer = new MemoryStream();
        Span<byte> number = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(number, key.Id);
        buffer.Write(number);
        BinaryPrimitives.WriteInt64BigEndian(number, key.PulledAt.ToUnixTimeMilliseconds());
        buffer.Write(number);
        BinaryPrimitives.WriteInt32BigEndian(number, key.Pulls);
        buffer.Write(number[..4]);
        foreach (var (text, mayCut) in new[] { (key.Queue, false), (key.MessageId, false), (key.Receipt, false), (key.Grader, true), (key.Address, true), (key.RowETag, false) })
        {
            if (text is null)
            {
                WriteLength(buffer, Absent);
            }
            else if (Guid.TryParseExact(text, "D", out var guid) && guid.ToString("D") == text)
            {
                // Message ids (and the emulator's receipts) are GUIDs: 16 bytes instead of 36.
                WriteLength(buffer, GuidText);
                buffer.Write(guid.ToByteArray());
            }
            else if (RowETags.Ticks(text) is { } ticks)
            {
                // A table ETag is its row's timestamp in a 40-character text: 8 bytes.
                WriteLength(buffer, ETagTicks);
                BinaryPrimitives.WriteInt64BigEndian(number, ticks);
                buffer.Write(number);
            }
            else
            {
                var shown = text;
                while (mayCut && Encoding.UTF8.GetByteCount(shown) > MaxShownBytes) shown = shown[..^1];
                var bytes = Encoding.UTF8.GetBytes(shown);
                WriteLength(buffer, (ushort)bytes.Length); // queue names are at most 128 characters; ids and receipts short
                buffer.Write(bytes);
            }
        }
        return buffer.ToArray();
    }

    static void WriteLength(MemoryStream buffer, ushort length)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, length);
        buffer.Write(bytes);
    }

    static PullKey? Decode(byte[] plain)
    {
        if (plain.Length < 20) return null;
        var id = BinaryPrimitives.ReadInt64BigEndian(plain.AsSpan(0));
        var pulledAt = BinaryPrimitives.ReadInt64BigEndian(plain.AsSpan(8));
        var pulls = BinaryPrimitives.ReadInt32BigEndian(plain.AsSpan(16));
        // The row's ETag, the sixth, is absent from keys made before it was sealed.
        var texts = new string?[6];
        var at = 20;
        for (var i = 0; i < texts.Length && (i < 5 || at < plain.Length); i++)
        {
            if (at + 2 > plain.Length) return null;
            int length = BinaryPrimitives.ReadUInt16BigEndian(plain.AsSpan(at));
            at += 2;
            if (length == Absent) continue;
            var kind = length;
            if (kind == GuidText) length = 16;
            if (kind == ETagTicks) length = 8;
            if (at + length > plain.Length) return null;
            texts[i] = kind switch
            {
                GuidText => new Guid(plain.AsSpan(at, 16)).ToString("D"),
                ETagTicks => RowETags.FromTicks(BinaryPrimitives.ReadInt64BigEndian(plain.AsSpan(at))),
                _ => Encoding.UTF8.GetString(plain, at, length),
            };
            at += length;
        }
        if (texts[0] is not { } queue || texts[1] is not { } messageId || texts[2] is not { } receipt) return null;
        return new PullKey(queue, id, messageId, receipt, DateTimeOffset.FromUnixTimeMilliseconds(pulledAt), pulls, texts[3], texts[4], texts[5]);
    }
}
