// Marker icons: one per area (shape, letter, colour), and the div icon that
// names itself to screen readers (for clusters).

import { areaStyle } from './areas.js';
import { L, coarsePointer } from './context.js';

/** A div icon that names itself to screen readers (clusters have no title of their own). */
export const LabelledIcon = L.DivIcon.extend({
  createIcon(old) {
    const el = L.DivIcon.prototype.createIcon.call(this, old);
    el.setAttribute('aria-label', this.options.label);
    el.setAttribute('title', this.options.label);
    el.setAttribute('role', 'button');
    return el;
  },
});

const iconCache = new Map();

export function markerIcon(slug) {
  let icon = iconCache.get(slug);
  if (!icon) {
    const s = areaStyle(slug);
    const px = coarsePointer ? 44 : 28;
    icon = L.divIcon({
      className: `pm-marker ${s.shape}`,
      html: `<span style="background:${s.color}">${s.letter}</span>`,
      iconSize: [px, px],
      iconAnchor: [px / 2, px / 2],
      popupAnchor: [0, -px / 2],
    });
    iconCache.set(slug, icon);
  }
  return icon;
}

/** A practice's marker (its id in `practiceId`). */
export function practiceMarker(r) {
  const m = L.marker(r.latlng, { icon: markerIcon(r.p.area), title: r.p.title, keyboard: true, riseOnHover: true });
  m.practiceId = r.id;
  return m;
}
