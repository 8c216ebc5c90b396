import { useEffect, useRef } from 'react';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';

// Only the pieces used, so the bundle carries no chart type the pages do not draw.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);

const PALETTE = ['#0b5cad', '#b3541e', '#2e7d32', '#6a1b9a', '#00695c', '#ad1457', '#5d4037', '#455a64'];

export interface Series {
  label: string;
  values: number[];
}

/**
 * A canvas is invisible to screen readers: the chart carries a text summary as its accessible name, and the
 * same numbers are in the card or table beside it.
 */
function ChartCanvas({ config, summary, height }: { config: ChartConfiguration; summary: string; height: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, config);
    return () => chart.destroy();
  }, [config]);
  return (
    <div className="chart-box" style={{ height }}>
      <canvas ref={canvas} role="img" aria-label={summary} height={height}>
        {summary}
      </canvas>
    </div>
  );
}

export function BarChart({ labels, series, summary, height = 160 }: { labels: string[]; series: Series[]; summary: string; height?: number }) {
  const config: ChartConfiguration = {
    type: 'bar',
    data: {
      labels,
      datasets: series.map((s, i) => ({ label: s.label, data: s.values, backgroundColor: PALETTE[i % PALETTE.length] })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      indexAxis: 'y',
      plugins: { legend: { display: series.length > 1 } },
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { ticks: { autoSkip: false } } },
    },
  };
  return <ChartCanvas config={config} summary={summary} height={height} />;
}

export function LineChart({ labels, series, summary, height = 240 }: { labels: string[]; series: Series[]; summary: string; height?: number }) {
  const config: ChartConfiguration = {
    type: 'line',
    data: {
      labels,
      datasets: series.map((s, i) => ({
        label: s.label,
        data: s.values,
        borderColor: PALETTE[i % PALETTE.length],
        backgroundColor: PALETTE[i % PALETTE.length],
        tension: 0,
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  };
  return <ChartCanvas config={config} summary={summary} height={height} />;
}
