export { handleEchoConnection, type EchoConnectionOptions } from './echo.ts';
