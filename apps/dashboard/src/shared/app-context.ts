import { createContext, useContext } from 'react';
import type { ApiClient } from '../api/api-client';
import type { Session } from '../api/api-types';

export interface AppContextValue {
  api: ApiClient;
  session: Session;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside a signed-in page');
  return value;
}
