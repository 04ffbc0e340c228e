import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { ToastHost } from '@/components/ui/toaster';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Cloud Broker Portal', template: '%s · Cloud Broker Portal' },
  description: 'Manage OS disk images across data centers and their compute nodes.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        {children}
        <ToastHost />
      </body>
    </html>
  );
}
