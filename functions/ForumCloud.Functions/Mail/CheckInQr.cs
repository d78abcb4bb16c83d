using QRCoder;

namespace ForumCloud.Functions.Mail;

/// <summary>The check-in QR code: the secret as a PNG (error correction M, 8 pixels a module, a quiet zone).</summary>
public static class CheckInQr
{
    public const string ContentId = "checkin-qr";

    public static byte[] Png(string payload)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(payload, QRCodeGenerator.ECCLevel.M);
        return new PngByteQRCode(data).GetGraphic(8);
    }
}
