// Scanning a voucher's QR code with the camera, where the browser has the BarcodeDetector API
// (feature-detected: without it the scan button is not shown). The camera is asked for only
// after the learner pressed "Scan QR-code", and stopped as soon as a code is read, on "Stop"
// and when the view goes away.
import { html, useEffect, useRef, useState } from '../core/html.js';
import { t } from '../core/i18n.js';
import { LiveMessage } from '../core/components.js';

const SCAN_EVERY_MS = 250;

function hasApi() {
  return typeof window !== 'undefined' && 'BarcodeDetector' in window
    && Boolean(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
}

/** True once we know this browser can read QR codes from the camera. */
export function useScanSupport() {
  const [supported, setSupported] = useState(false);
  useEffect(() => {
    if (!hasApi()) return undefined;
    let live = true;
    const formats = typeof window.BarcodeDetector.getSupportedFormats === 'function'
      ? window.BarcodeDetector.getSupportedFormats()
      : Promise.resolve(['qr_code']);
    Promise.resolve(formats)
      .then((list) => { if (live) setSupported((list || []).includes('qr_code')); })
      .catch(() => {});
    return () => { live = false; };
  }, []);
  return supported;
}

function cameraProblem(error) {
  const name = error && error.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return t('voucher.scan.denied');
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return t('voucher.scan.noCamera');
  return t('voucher.scan.failed');
}

/**
 * The camera view. onText(text) gets each QR text read and answers true when it was a voucher
 * code (the scanner is then closed by the parent) or false to keep looking. notCode: the
 * message when a QR code holds something else (default: no voucher code).
 */
export function QrScanner({ onText, onStop, notCode = '' }) {
  const video = useRef(null);
  const stopButton = useRef(null);
  const [scanning, setScanning] = useState(false);
  const [message, setMessage] = useState('');
  const [hint, setHint] = useState(t('voucher.scan.starting'));

  useEffect(() => {
    if (stopButton.current) stopButton.current.focus();
    let live = true;
    let stream = null;
    let timer = null;
    const stop = () => {
      clearTimeout(timer);
      if (stream) stream.getTracks().forEach((track) => track.stop());
      stream = null;
    };
    (async () => {
      try {
        const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false });
        if (!live) {
          stop();
          return;
        }
        const element = video.current;
        element.srcObject = stream;
        element.play().catch(() => {});
        setScanning(true);
        setHint(t('voucher.scan.help'));
        let last = '';
        const tick = async () => {
          if (!live) return;
          try {
            const found = (await detector.detect(element)).find((code) => code.rawValue);
            if (live && found && found.rawValue !== last) {
              last = found.rawValue;
              if (await onText(found.rawValue)) return;
              setMessage(notCode || t('voucher.scan.notCode'));
            }
          } catch {
            // no frame yet: try again
          }
          if (live) timer = setTimeout(tick, SCAN_EVERY_MS);
        };
        tick();
      } catch (error) {
        if (!live) return;
        stop();
        setHint('');
        setMessage(cameraProblem(error));
      }
    })();
    return () => {
      live = false;
      stop();
    };
  }, []);

  return html`<div class="scanner" role="group" aria-labelledby="scanner-title">
    <h3 id="scanner-title">${t('voucher.scan.heading')}</h3>
    <p class="field__hint" role="status">${hint}</p>
    <div class=${scanning ? 'scanner__frame' : 'scanner__frame scanner__frame--waiting'}>
      <video ref=${video} class="scanner__video" playsinline muted autoplay aria-label=${t('voucher.scan.video')}></video>
    </div>
    <${LiveMessage} kind="error" id="scanner-error">${message}</${LiveMessage}>
    <button ref=${stopButton} type="button" class="button button--secondary button--block" onClick=${onStop}>${t('voucher.scan.stop')}</button>
  </div>`;
}
