// A draggable, keyboard-operable divider (role="separator") for resizable splits.
import type { PointerEvent as ReactPointerEvent } from 'react';

/** Resizes a neighbour: `value` is a fraction (0–1) of the container along `orientation`. */
export function Splitter(props: {
  orientation: 'vertical' | 'horizontal';
  value: number;
  min: number;
  max: number;
  onChange: (v: number) => void;
  label: string;
}) {
  const vertical = props.orientation === 'vertical';
  const clamp = (v: number): number => Math.max(props.min, Math.min(props.max, v));
  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>): void => {
    const parent = e.currentTarget.parentElement;
    if (!parent) return;
    e.preventDefault();
    const rect = parent.getBoundingClientRect();
    const target = e.currentTarget;
    target.setPointerCapture(e.pointerId);
    const move = (ev: PointerEvent): void => {
      const v = vertical ? (ev.clientX - rect.left) / rect.width : (rect.bottom - ev.clientY) / rect.height;
      props.onChange(clamp(v));
    };
    const up = (): void => {
      target.removeEventListener('pointermove', move);
      target.removeEventListener('pointerup', up);
    };
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', up);
  };
  return (
    <div
      role="separator"
      aria-label={props.label}
      aria-orientation={props.orientation}
      aria-valuemin={Math.round(props.min * 100)}
      aria-valuemax={Math.round(props.max * 100)}
      aria-valuenow={Math.round(props.value * 100)}
      tabIndex={0}
      className={`splitter splitter-${props.orientation}`}
      onPointerDown={onPointerDown}
      onKeyDown={(e) => {
        const step = e.shiftKey ? 0.1 : 0.02;
        const dec = vertical ? 'ArrowLeft' : 'ArrowDown';
        const inc = vertical ? 'ArrowRight' : 'ArrowUp';
        if (e.key === dec) {
          e.preventDefault();
          props.onChange(clamp(props.value - step));
        } else if (e.key === inc) {
          e.preventDefault();
          props.onChange(clamp(props.value + step));
        }
      }}
    />
  );
}
