// One place that binds htm to Preact, so views import `html` and hooks from here.
import { h, render, Fragment } from '../../vendor/preact.module.js';
import htm from '../../vendor/htm.module.js';

export { useState, useEffect, useRef, useMemo, useCallback } from '../../vendor/hooks.module.js';
export { h, render, Fragment };
export const html = htm.bind(h);
