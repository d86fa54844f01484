using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Baton.Grains.Replay;

/// <summary>Name-based (RFC 4122 version 5) GUIDs, so that a workflow's GUIDs are the same on every replay.</summary>
internal static class DeterministicGuid
{
    // A fixed namespace for Baton's workflow GUIDs.
    private static readonly Guid Namespace = new("9e6f7c1a-43b5-4d0e-8f73-6a0b2b8d5c11");

    public static Guid Create(string name)
    {
        Span<byte> namespaceBytes = stackalloc byte[16];
        Namespace.TryWriteBytes(namespaceBytes, bigEndian: true, out _);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var buffer = new byte[16 + nameBytes.Length];
        namespaceBytes.CopyTo(buffer);
        nameBytes.CopyTo(buffer, 16);

        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(buffer, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
