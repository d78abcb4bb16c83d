using System.Text;
using Ical.Net;
using MimeKit;
using StbImageSharp;
using ZXing;
using ZXing.Common;
using ZXing.QrCode;

namespace ForumCloud.Tests.Mail;

/// <summary>What a test reads from a received MIME message: its parts, the QR code decoded back, the ICS parsed.</summary>
public static class ReceivedMail
{
    public static IEnumerable<MimePart> Parts(MimeMessage message) => message.BodyParts.OfType<MimePart>();

    public static MimePart? Part(MimeMessage message, string mediaType, string subtype) =>
        Parts(message).FirstOrDefault(p => p.ContentType.IsMimeType(mediaType, subtype));

    public static byte[] Bytes(MimePart part)
    {
        using var stream = new MemoryStream();
        part.Content!.DecodeTo(stream);
        return stream.ToArray();
    }

    /// <summary>The QR code of the image/png part, read with ZXing from the decoded pixels (StbImageSharp).</summary>
    public static string DecodeQr(MimeMessage message)
    {
        var png = Part(message, "image", "png") ?? throw new InvalidOperationException("The mail has no image/png part.");
        return DecodeQr(Bytes(png));
    }

    public static string DecodeQr(byte[] png)
    {
        var image = ImageResult.FromMemory(png, ColorComponents.RedGreenBlueAlpha);
        var source = new RGBLuminanceSource(image.Data, image.Width, image.Height, RGBLuminanceSource.BitmapFormat.RGBA32);
        // PURE_BARCODE: the part is the code alone. Without it ZXing's finder-pattern detector misses 6-16 of 2,000
        // random secrets' images (TRY_HARDER does not help), all of which jsQR, the desk's decoder, reads.
        var hints = new Dictionary<DecodeHintType, object> { [DecodeHintType.PURE_BARCODE] = true };
        var result = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)), hints) ?? throw new InvalidOperationException("No QR code could be read from the PNG.");
        return result.Text;
    }

    public static Calendar Calendar(MimeMessage message)
    {
        var part = Part(message, "text", "calendar") ?? throw new InvalidOperationException("The mail has no text/calendar part.");
        return Ical.Net.Calendar.Load(Encoding.UTF8.GetString(Bytes(part)))!;
    }

    public static string CalendarMethodParameter(MimeMessage message) => Part(message, "text", "calendar")!.ContentType.Parameters["method"]!;
}
