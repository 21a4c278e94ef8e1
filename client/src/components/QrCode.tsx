import { useEffect, useState } from 'react';
import QRCode from 'qrcode';

export function QrCode({ text, alt, size = 256, testId, className }: { text: string; alt: string; size?: number; testId?: string; className?: string }) {
  const [src, setSrc] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    // Margin 2 and level M: readable from the back of a room off a projector, still small.
    QRCode.toDataURL(text, { width: size * 2, margin: 2, errorCorrectionLevel: 'M', color: { dark: '#000000', light: '#ffffff' } })
      .then((url) => {
        if (!cancelled) setSrc(url);
      })
      .catch(() => {
        if (!cancelled) setSrc(null);
      });
    return () => {
      cancelled = true;
    };
  }, [text, size]);

  if (!src) return <div className={`qr-placeholder ${className ?? ''}`} style={{ width: size, height: size }} aria-hidden="true" />;
  return <img className={`qr ${className ?? ''}`} src={src} alt={alt} width={size} height={size} data-testid={testId} />;
}
